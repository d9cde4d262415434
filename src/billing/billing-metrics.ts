import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import type { DispatchState } from './usage-ledger.entity.js';

/** The states worth watching (sent and skipped rows only grow; they are counted by tally_billing_sent_total). */
const UNSENT_STATES: DispatchState[] = ['pending', 'held', 'failed'];

/** Billing's Prometheus metrics, on the app's registry (GET /metrics). */
@Injectable()
export class BillingMetrics implements OnModuleInit {
  readonly outboxRows: Gauge;
  readonly sent: Counter;
  readonly sendFailures: Counter;
  readonly reconciliationMismatches: Gauge;
  readonly reconciliationDifference: Gauge;

  constructor(
    private readonly metrics: MetricsRegistry,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    const registers = [metrics.registry];
    this.outboxRows = new Gauge({ name: 'tally_billing_outbox_rows', help: 'Usage ledger rows not sent to Stripe, by outbox state (pending, held, failed)', labelNames: ['state'], registers });
    this.sent = new Counter({ name: 'tally_billing_sent_total', help: 'Ledger rows sent to Stripe by this process, by kind', labelNames: ['kind'], registers });
    this.sendFailures = new Counter({ name: 'tally_billing_send_failures_total', help: 'Failed sends to Stripe by this process (retried or failed)', labelNames: ['outcome'], registers });
    this.reconciliationMismatches = new Gauge({ name: 'tally_billing_reconciliation_mismatches', help: 'Customer-periods whose Stripe meter total differs from the ledger (last run)', registers });
    this.reconciliationDifference = new Gauge({ name: 'tally_billing_reconciliation_difference_seconds', help: 'Sum of |Stripe − ledger| video-seconds over customer-periods (last run)', registers });
  }

  onModuleInit(): void {
    this.metrics.addCollector(async () => {
      const rows = (await this.db.query(`SELECT dispatch_state AS state, count(*)::int AS n FROM usage_ledger
          WHERE dispatch_state IN ('pending', 'held', 'failed') GROUP BY dispatch_state`)) as { state: string; n: number }[];
      for (const state of UNSENT_STATES) this.outboxRows.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
    });
  }
}
