import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ForbiddenError, NotFoundError, PaymentRequiredError, TooManyRequestsError } from '../common/errors.js';
import { ACTIVE_JOB_STATUSES } from '../jobs/job.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { effectiveLimits, type Limits } from './limits.js';

/** Set by the Stripe webhooks (invoice.payment_failed) until an invoice is paid. */
const PAST_DUE_MESSAGE = 'payment is past due: your last invoice could not be paid; pay it or update your payment method to start new jobs';

/** Seconds a client should wait when all its job slots are busy: about one short job. */
const CONCURRENCY_RETRY_AFTER_SEC = 30;

function secondsUntilNextMonth(now = new Date()): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.ceil((next - now.getTime()) / 1000);
}

/** Per-plan and per-tenant quotas. admit() is the one atomic gate every new job goes through. */
@Injectable()
export class QuotasService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Current limits, read without locks (for streaming caps before the atomic check). */
  async limitsFor(tenantId: string, manager: EntityManager = this.db.manager): Promise<Limits> {
    const tenant = await manager.getRepository(Tenant).findOne({ where: { id: tenantId }, relations: { plan: true } });
    if (!tenant) throw new NotFoundError('tenant');
    if (tenant.status === 'past_due') throw new PaymentRequiredError(PAST_DUE_MESSAGE); // before receiving a whole video; admit() checks again
    return effectiveLimits(tenant.plan, tenant.quotaOverrides);
  }

  /** Analysed video seconds this calendar month (UTC) of jobs that were not canceled or failed. */
  async videoSecondsThisMonth(tenantId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const [row] = (await manager.query(
      `SELECT coalesce(sum(v.duration_sec), 0) AS seconds
         FROM jobs j JOIN videos v ON v.id = j.video_id
        WHERE j.tenant_id = $1 AND j.status IN ('queued', 'processing', 'succeeded')
          AND j.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [tenantId],
    )) as { seconds: string }[];
    return Number(row.seconds);
  }

  /**
   * 429 when every job slot is taken. Without a lock it is only an early answer (before a whole video is
   * received); admit() repeats it under the tenant lock.
   */
  async checkConcurrency(tenantId: string, limits: Limits, manager: EntityManager = this.db.manager): Promise<void> {
    const [{ active }] = (await manager.query(`SELECT count(*)::int AS active FROM jobs WHERE tenant_id = $1 AND status = ANY($2)`, [
      tenantId,
      ACTIVE_JOB_STATUSES,
    ])) as { active: number }[];
    if (active >= limits.maxConcurrentJobs) {
      throw new TooManyRequestsError(
        'concurrent_jobs_limit',
        `you already have ${active} jobs queued or running, your plan's limit (max concurrent jobs: ${limits.maxConcurrentJobs}); retry when one finishes`,
        CONCURRENCY_RETRY_AFTER_SEC,
      );
    }
  }

  /**
   * Must run inside the transaction that inserts the job: locks the tenant row (SELECT … FOR UPDATE), so
   * concurrent submissions of one tenant are serialised and exactly the allowed number gets through.
   */
  async admit(tx: EntityManager, tenantId: string, durationSec: number): Promise<Limits> {
    const tenant = await tx.getRepository(Tenant).createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :tenantId', { tenantId }).getOne();
    if (!tenant) throw new NotFoundError('tenant');
    if (tenant.status === 'suspended') throw new ForbiddenError('tenant_suspended', 'this account is suspended: contact support');
    if (tenant.status === 'past_due') throw new PaymentRequiredError(PAST_DUE_MESSAGE);
    const plan = await tx.getRepository(Plan).findOneByOrFail({ id: tenant.planId });
    const limits = effectiveLimits(plan, tenant.quotaOverrides);

    await this.checkConcurrency(tenantId, limits, tx);
    if (limits.maxVideoMinutesPerMonth !== null) {
      const used = await this.videoSecondsThisMonth(tenantId, tx);
      if (used + durationSec > limits.maxVideoMinutesPerMonth * 60) {
        throw new TooManyRequestsError(
          'monthly_minutes_limit',
          `this video (${(durationSec / 60).toFixed(2)} min) would take you past your plan's ${limits.maxVideoMinutesPerMonth} video-minutes per month (${(used / 60).toFixed(2)} used)`,
          secondsUntilNextMonth(),
        );
      }
    }
    return limits;
  }
}
