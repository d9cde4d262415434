import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { estimateCharge } from '../billing/charges.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { unitEconomics, type JobSeconds, type UnitEconomics } from '../cost/economics.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface EconomicsWindow extends UnitEconomics {
  from: string;
  to: string;
}

export interface LiveEconomics {
  generatedAt: string;
  /** TALLY_MACHINE_HOURLY_USD */
  machineHourlyUsd: number;
  /** Jobs are charged their inference + decode seconds (see unitEconomics). */
  basis: 'busy';
  /** Last 24 hours and last 30 days, both ending now. */
  day: EconomicsWindow;
  month: EconomicsWindow;
}

interface LedgerPeriodRow {
  upto: string;
  inwin: string;
  included_video_minutes: number;
  price_per_extra_minute_cents: string;
  currency: string;
}

/**
 * Live unit economics (issue 8): what analysing a video-minute actually cost, from the seconds each
 * succeeded job recorded and the configured machine price, next to the revenue the billing ledger implies.
 */
@Injectable()
export class EconomicsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  async live(now = new Date()): Promise<LiveEconomics> {
    return {
      generatedAt: now.toISOString(),
      machineHourlyUsd: this.env.machineHourlyUsd,
      basis: 'busy',
      day: await this.window(new Date(now.getTime() - DAY_MS), now),
      month: await this.window(new Date(now.getTime() - 30 * DAY_MS), now),
    };
  }

  async window(from: Date, to: Date): Promise<EconomicsWindow> {
    const jobs = await this.jobSeconds(from, to);
    const revenueUsd = await this.revenueUsd(from, to);
    return { from: from.toISOString(), to: to.toISOString(), ...unitEconomics({ jobs, machineHourlyUsd: this.env.machineHourlyUsd, revenueUsd }) };
  }

  /** Jobs that succeeded in [from, to), with the seconds they recorded. */
  private async jobSeconds(from: Date, to: Date): Promise<JobSeconds[]> {
    const rows = (await this.db.query(
      `SELECT v.duration_sec, coalesce(j.inference_ms, 0) AS inference_ms, coalesce(j.decode_ms, 0) AS decode_ms, coalesce(j.wall_ms, 0) AS wall_ms
         FROM jobs j JOIN videos v ON v.id = j.video_id
        WHERE j.status = 'succeeded' AND j.finished_at >= $1 AND j.finished_at < $2`,
      [from, to],
    )) as { duration_sec: number; inference_ms: number; decode_ms: number; wall_ms: number }[];
    return rows.map((r) => ({
      videoSeconds: Number(r.duration_sec),
      inferenceSeconds: Number(r.inference_ms) / 1000,
      decodeSeconds: Number(r.decode_ms) / 1000,
      wallSeconds: Number(r.wall_ms) / 1000,
    }));
  }

  /**
   * Revenue earned in [from, to): per tenant and billing period (UTC month), the period's overage charge
   * with the window's ledger rows minus the charge without them; usage within the plan's included minutes
   * earns nothing. Credits are negative rows and lower it. Priced with the tenant's current plan; amounts in
   * the plan's currency (USD for the seeded plans).
   */
  async revenueUsd(from: Date, to: Date): Promise<number> {
    const rows = (await this.db.query(
      `SELECT sum(l.video_seconds) AS upto,
              coalesce(sum(l.video_seconds) FILTER (WHERE l.occurred_at >= $1), 0) AS inwin,
              p.included_video_minutes, p.price_per_extra_minute_cents, p.currency
         FROM usage_ledger l JOIN tenants t ON t.id = l.tenant_id JOIN plans p ON p.id = t.plan_id
        WHERE l.occurred_at >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AND l.occurred_at < $2
        GROUP BY l.tenant_id, date_trunc('month', l.occurred_at AT TIME ZONE 'UTC'), p.id`,
      [from, to],
    )) as LedgerPeriodRow[];
    let cents = 0;
    for (const r of rows) {
      const plan = { includedVideoMinutes: r.included_video_minutes, pricePerExtraMinuteCents: Number(r.price_per_extra_minute_cents), currency: r.currency };
      const upto = Number(r.upto);
      cents += estimateCharge(upto, plan).estimatedCharge.amount - estimateCharge(upto - Number(r.inwin), plan).estimatedCharge.amount;
    }
    // A window whose credits outweigh its usage earned nothing (unitEconomics takes no negative revenue).
    return Math.max(0, cents) / 100;
  }
}
