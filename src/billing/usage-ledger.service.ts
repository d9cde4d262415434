import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Report } from '../analysis/report.types.js';
import { BadRequestError, NotFoundError } from '../common/errors.js';
import { JobLifecycle } from '../jobs/job-lifecycle.js';
import type { Job } from '../jobs/job.entity.js';
import type { BillingPeriod } from './billing-period.js';
import { billableSeconds } from './charges.js';
import { UsageLedgerEntry } from './usage-ledger.entity.js';
import { usageSummary, type UsageSummary } from './usage-summary.js';

export interface CreditRequest {
  tenantId: string;
  /** Video-seconds to give back (positive). */
  seconds: number;
  reason: string;
  /** Who issued it (admin email, `support`, …). */
  issuedBy: string;
  /** A retried request with the same key issues one credit. */
  idempotencyKey?: string;
  /** Defaults to now; decides the period. */
  at?: Date;
}

/**
 * The usage ledger: writes a row for every succeeded job inside the transaction that marks it succeeded
 * (through JobLifecycle), and credits. Recording is idempotent by construction: job_id is UNIQUE and
 * the insert is ON CONFLICT DO NOTHING, so a retried job or a duplicated completion bills once.
 */
@Injectable()
export class UsageLedgerService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lifecycle: JobLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onSucceeded((tx, job, report) => this.recordJob(tx, job, report).then(() => undefined));
  }

  /**
   * Must run in the transaction that marks `job` succeeded: the row commits with the status or not at all.
   * Returns false when the job was already recorded.
   */
  async recordJob(tx: EntityManager, job: Pick<Job, 'id' | 'tenantId' | 'videoId' | 'finishedAt'>, report: Pick<Report, 'analysis' | 'timings'>): Promise<boolean> {
    const [video] = (await tx.query(`SELECT duration_sec FROM videos WHERE id = $1`, [job.videoId])) as { duration_sec: number }[];
    if (!video) throw new NotFoundError('video');
    const rows = (await tx.query(
      `INSERT INTO usage_ledger (tenant_id, kind, job_id, video_seconds, frames_analysed, inference_seconds, decode_seconds, occurred_at)
       VALUES ($1, 'usage', $2, $3, $4, $5, $6, coalesce($7, now()))
       ON CONFLICT (job_id) DO NOTHING
       RETURNING id`,
      [
        job.tenantId,
        job.id,
        billableSeconds(video.duration_sec),
        report.analysis.framesAnalysed,
        report.timings.inferenceMs / 1000,
        report.timings.decodeMs / 1000,
        job.finishedAt ?? null,
      ],
    )) as { id: string }[];
    return rows.length === 1;
  }

  /** A negative row; with an idempotency key, a replay returns the first credit. */
  async issueCredit(req: CreditRequest): Promise<UsageLedgerEntry> {
    if (!Number.isInteger(req.seconds) || req.seconds <= 0) throw new BadRequestError('invalid_credit', 'a credit is a positive whole number of video-seconds');
    const reason = req.reason.trim();
    const issuedBy = req.issuedBy.trim();
    if (!reason || !issuedBy) throw new BadRequestError('invalid_credit', 'a credit needs a reason and who issued it');
    const key = req.idempotencyKey?.trim() || null;
    return this.db.transaction(async (tx) => {
      const exists = (await tx.query(`SELECT 1 FROM tenants WHERE id = $1`, [req.tenantId])) as unknown[];
      if (exists.length === 0) throw new NotFoundError('tenant');
      const inserted = (await tx.query(
        `INSERT INTO usage_ledger (tenant_id, kind, video_seconds, reason, issued_by, idempotency_key, occurred_at)
         VALUES ($1, 'credit', $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
        [req.tenantId, -req.seconds, reason, issuedBy, key, req.at ?? new Date()],
      )) as { id: string }[];
      const repo = tx.getRepository(UsageLedgerEntry);
      if (inserted.length === 1) return repo.findOneByOrFail({ id: inserted[0].id });
      return repo.findOneByOrFail({ tenantId: req.tenantId, idempotencyKey: key! });
    });
  }

  async summary(tenantId: string, period: BillingPeriod): Promise<UsageSummary> {
    return usageSummary(this.db, tenantId, period);
  }

  /** A tenant's rows of a period, oldest first. */
  async entries(tenantId: string, period: BillingPeriod): Promise<UsageLedgerEntry[]> {
    return this.db
      .getRepository(UsageLedgerEntry)
      .createQueryBuilder('l')
      .where('l.tenant_id = :tenantId AND l.occurred_at >= :start AND l.occurred_at < :end', { tenantId, start: period.start, end: period.end })
      .orderBy('l.occurred_at', 'ASC')
      .getMany();
  }

  /**
   * Puts held or failed rows back in the outbox (after a person checked the reconciliation: Stripe does not
   * have them). Their first-attempt time restarts, so a new identifier window opens. Returns the rows requeued.
   */
  async requeue(ids: string[]): Promise<number> {
    const [, affected] = (await this.db.query(
      `UPDATE usage_ledger SET dispatch_state = 'pending', first_attempt_at = NULL, next_attempt_at = now(), locked_until = NULL
        WHERE id = ANY($1::uuid[]) AND dispatch_state IN ('held', 'failed')`,
      [ids],
    )) as [unknown, number];
    return affected;
  }
}
