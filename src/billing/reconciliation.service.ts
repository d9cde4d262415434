import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BillingReconciliation } from './billing-reconciliation.entity.js';
import { BillingMetrics } from './billing-metrics.js';
import { periodLabel, periodOf, type BillingPeriod } from './billing-period.js';
import { StripeGateway, stripeErrorMessage } from './stripe.gateway.js';

interface LedgerTotals {
  tenant_id: string;
  stripe_customer_id: string;
  sent: string;
  unsent: string;
}

const MINUTE_MS = 60_000;

/**
 * Compares, per customer and period, the usage our ledger marked sent with Stripe's meter event summary,
 * and stores the result in billing_reconciliations (one row per tenant and period, the latest check),
 * logs each difference and sets the tally_billing_reconciliation_* gauges.
 *
 * Stripe aggregates meter events asynchronously, so a row sent seconds ago may not be in its summary
 * yet: a difference that persists across runs is the one to act on.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
    private readonly metrics: BillingMetrics,
  ) {}

  /** The current period and, during the first days of a month, the previous one (late sends, invoice finalisation). */
  async runOnce(now = new Date()): Promise<BillingReconciliation[]> {
    if (!this.stripe.enabled) return [];
    const current = periodOf(now);
    const periods = [current];
    if (now.getTime() - current.start.getTime() < 7 * 24 * 3600_000) periods.unshift(periodOf(new Date(current.start.getTime() - 1)));
    const results: BillingReconciliation[] = [];
    for (const period of periods) results.push(...(await this.reconcilePeriod(period, now)));
    const mismatched = results.filter((r) => r.status !== 'match');
    this.metrics.reconciliationMismatches.set(mismatched.length);
    this.metrics.reconciliationDifference.set(results.reduce((sum, r) => sum + Math.abs(r.differenceSeconds ?? 0), 0));
    return results;
  }

  async reconcilePeriod(period: BillingPeriod, now = new Date()): Promise<BillingReconciliation[]> {
    const totals = (await this.db.query(
      `SELECT l.tenant_id, t.stripe_customer_id,
              coalesce(sum(l.video_seconds) FILTER (WHERE l.dispatch_state = 'sent'), 0)::bigint AS sent,
              coalesce(sum(l.video_seconds) FILTER (WHERE l.dispatch_state IN ('pending', 'held', 'failed')), 0)::bigint AS unsent
         FROM usage_ledger l JOIN tenants t ON t.id = l.tenant_id
        WHERE l.kind = 'usage' AND t.stripe_customer_id IS NOT NULL AND l.occurred_at >= $1 AND l.occurred_at < $2
        GROUP BY l.tenant_id, t.stripe_customer_id`,
      [period.start, period.end],
    )) as LedgerTotals[];
    // Summaries need minute-aligned bounds; a running period is read up to the next whole minute.
    const end = new Date(Math.min(period.end.getTime(), Math.ceil(now.getTime() / MINUTE_MS) * MINUTE_MS));
    const results: BillingReconciliation[] = [];
    for (const t of totals) {
      const row = new BillingReconciliation();
      Object.assign(row, {
        tenantId: t.tenant_id,
        periodStart: period.start,
        stripeCustomerId: t.stripe_customer_id,
        ledgerSentSeconds: Number(t.sent),
        ledgerUnsentSeconds: Number(t.unsent),
        stripeSeconds: null,
        differenceSeconds: null,
        error: null,
        checkedAt: new Date(),
      });
      try {
        row.stripeSeconds = await this.stripe.meterTotal(t.stripe_customer_id, period.start, end);
        row.differenceSeconds = row.stripeSeconds - row.ledgerSentSeconds;
        row.status = row.differenceSeconds === 0 ? 'match' : 'mismatch';
      } catch (err) {
        row.status = 'error';
        row.error = stripeErrorMessage(err).slice(0, 1000);
      }
      if (row.status !== 'match') {
        this.logger.warn(
          `billing reconciliation ${periodLabel(period)} tenant ${row.tenantId} (${row.stripeCustomerId}): ` +
            (row.status === 'error' ? `could not read Stripe: ${row.error}` : `Stripe ${row.stripeSeconds} s, ledger sent ${row.ledgerSentSeconds} s (unsent ${row.ledgerUnsentSeconds} s)`),
        );
      }
      await this.db.getRepository(BillingReconciliation).save(row);
      results.push(row);
    }
    return results;
  }

  /** The latest results, differences first (for the admin panel). */
  async latest(limit = 100): Promise<BillingReconciliation[]> {
    return this.db
      .getRepository(BillingReconciliation)
      .createQueryBuilder('r')
      .orderBy(`CASE r.status WHEN 'match' THEN 1 ELSE 0 END`, 'ASC')
      .addOrderBy('r.checked_at', 'DESC')
      .limit(limit)
      .getMany();
  }
}
