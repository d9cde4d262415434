import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource, EntityManager } from 'typeorm';
import type { VideoProbe } from '../analysis/probe.types.js';
import { ServiceUnavailableError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { analysisJobOptions, QUEUES, type AnalysisPayload } from '../queue/queue.constants.js';
import { checkVideoLimits } from '../quotas/limits.js';
import { QuotasService } from '../quotas/quotas.service.js';
import { Video } from '../videos/video.entity.js';
import { Job, type JobOptions } from './job.entity.js';
import { JobEventsService } from './job-events.service.js';
import { fairPriority } from './scheduling.js';

export interface Submission {
  tenantId: string;
  videoId: string;
  storageKey: string;
  originalName: string;
  sizeBytes: number;
  probe: VideoProbe;
  options: JobOptions;
  callbackUrl?: string;
  idempotencyKey?: string;
  /** Puts the file into storage; called only once the job is admitted. */
  store(): Promise<void>;
}

export interface Submitted {
  job: Job;
  /** True when the Idempotency-Key matched an earlier job (nothing new was stored or queued). */
  replayed: boolean;
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505' || (err as { driverError?: { code?: string } }).driverError?.code === '23505';

/**
 * The one way a job comes to exist: quotas checked atomically with the insert, then the file stored,
 * then the Bull job added. Any refusal leaves nothing stored and nothing queued.
 */
@Injectable()
export class JobSubmissionService {
  private readonly logger = new Logger(JobSubmissionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QUEUES.analysis) private readonly queue: Queue<AnalysisPayload>,
    private readonly quotas: QuotasService,
    private readonly events: JobEventsService,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  /** The tenant's default webhook URL (set in the portal), for jobs submitted without a callbackUrl. */
  private async defaultCallbackUrl(tx: EntityManager, tenantId: string): Promise<string | null> {
    const [row] = (await tx.query('SELECT webhook_url FROM tenants WHERE id = $1', [tenantId])) as { webhook_url: string | null }[];
    return row?.webhook_url ?? null;
  }

  async findByIdempotencyKey(tenantId: string, idempotencyKey: string): Promise<Job | null> {
    return this.db.getRepository(Job).findOneBy({ tenantId, idempotencyKey });
  }

  async submit(s: Submission): Promise<Submitted> {
    if (s.idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(s.tenantId, s.idempotencyKey);
      if (earlier) return { job: earlier, replayed: true };
    }
    let job: Job;
    try {
      job = await this.db.transaction(async (tx) => {
        const limits = await this.quotas.admit(tx, s.tenantId, s.probe.durationSec);
        checkVideoLimits(limits, s.probe, s.sizeBytes);
        const [{ tenant_last, global_min }] = (await tx.query(
          `SELECT (SELECT coalesce(max(priority), 0) FROM jobs WHERE tenant_id = $1 AND status = 'queued') AS tenant_last,
                  (SELECT coalesce(min(priority), 1) FROM jobs WHERE status = 'queued') AS global_min`,
          [s.tenantId],
        )) as { tenant_last: number; global_min: number }[];
        await tx.getRepository(Video).insert({
          id: s.videoId,
          tenantId: s.tenantId,
          storageKey: s.storageKey,
          originalName: s.originalName,
          sizeBytes: s.sizeBytes,
          durationSec: s.probe.durationSec,
          probe: s.probe,
        });
        const repo = tx.getRepository(Job);
        return repo.save(
          repo.create({
            tenantId: s.tenantId,
            videoId: s.videoId,
            status: 'queued',
            options: s.options,
            priority: fairPriority(Number(tenant_last), Number(global_min)),
            deadlineAt: new Date(Date.now() + this.env.jobDeadlineMinutes * 60_000),
            callbackUrl: s.callbackUrl ?? (await this.defaultCallbackUrl(tx, s.tenantId)),
            idempotencyKey: s.idempotencyKey ?? null,
          }),
        );
      });
    } catch (err) {
      // Two requests with one Idempotency-Key raced: the loser answers with the winner's job.
      if (s.idempotencyKey && isUniqueViolation(err)) {
        const earlier = await this.findByIdempotencyKey(s.tenantId, s.idempotencyKey);
        if (earlier) return { job: earlier, replayed: true };
      }
      throw err;
    }

    try {
      await s.store();
    } catch (err) {
      this.logger.error(`storing video ${s.videoId} failed: ${String(err)}`);
      await this.db.getRepository(Video).delete({ id: s.videoId }); // cascades to the job
      throw new ServiceUnavailableError('storage_unavailable', 'the video could not be stored; try again shortly');
    }
    // Before the Bull job exists, so that listeners (the portal's job list, in any tab) see "queued" before "processing".
    await this.events
      .publish({ jobId: job.id, tenantId: job.tenantId, status: 'queued', progress: 0 })
      .catch((err: unknown) => this.logger.warn(`publishing the queued event of ${job.id}: ${String(err)}`));
    try {
      await this.queue.add({ jobId: job.id }, analysisJobOptions(this.env, job.id, job.priority));
    } catch (err) {
      this.logger.error(`queueing job ${job.id} failed: ${String(err)}`);
      await this.db.getRepository(Job).update({ id: job.id }, { status: 'failed', errorCode: 'queue_unavailable', errorMessage: 'the job queue was unavailable', finishedAt: new Date() });
      throw new ServiceUnavailableError('queue_unavailable', 'the job queue is unavailable; try again shortly');
    }
    return { job, replayed: false };
  }
}
