import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../common/errors.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { BillingPeriod } from './billing-period.js';
import { estimateCharge } from './charges.js';

/** GET /v1/usage and `tally usage`: one tenant's period, from the ledger. */
export interface UsageSummary {
  tenantId: string;
  plan: string;
  period: { start: string; end: string };
  /** Net billable video-seconds: usage minus credits. */
  videoSeconds: number;
  /** Video-seconds of succeeded jobs. */
  usageSeconds: number;
  /** Video-seconds credited back (a positive number). */
  creditedSeconds: number;
  /** Succeeded jobs billed in the period. */
  jobs: number;
  includedSeconds: number;
  overageSeconds: number;
  /** Amount in the currency's minor unit (cents), as Stripe counts it. */
  estimatedCharge: { amount: number; currency: string };
}

/** Plain function (DataSource or transaction) so the CLI can use it without booting Nest. */
export async function usageSummary(db: DataSource | EntityManager, tenantId: string, period: BillingPeriod): Promise<UsageSummary> {
  const tenant = await db.getRepository(Tenant).findOne({ where: { id: tenantId }, relations: { plan: true } });
  if (!tenant) throw new NotFoundError('tenant');
  const [row] = (await db.query(
    `SELECT coalesce(sum(video_seconds) FILTER (WHERE kind = 'usage'), 0)::bigint AS usage,
            coalesce(-sum(video_seconds) FILTER (WHERE kind = 'credit'), 0)::bigint AS credited,
            count(*) FILTER (WHERE kind = 'usage')::int AS jobs
       FROM usage_ledger
      WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3`,
    [tenantId, period.start, period.end],
  )) as { usage: string; credited: string; jobs: number }[];
  const usageSeconds = Number(row.usage);
  const creditedSeconds = Number(row.credited);
  const videoSeconds = usageSeconds - creditedSeconds;
  return {
    tenantId,
    plan: tenant.planId,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    videoSeconds,
    usageSeconds,
    creditedSeconds,
    jobs: row.jobs,
    ...estimateCharge(videoSeconds, tenant.plan),
  };
}
