import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { BillingAccountsService } from './billing-accounts.service.js';
import { BillingMetrics } from './billing-metrics.js';
import { creditValueCents, retryDelayMs } from './charges.js';
import { isTransientStripeError, StripeGateway, stripeErrorMessage } from './stripe.gateway.js';
import type { LedgerKind } from './usage-ledger.entity.js';

/**
 * Stripe drops a meter event whose identifier it saw within about 24 hours. A row still unsent 23 hours
 * after its first attempt is held rather than resent: that attempt may have reached Stripe.
 */
export const IDENTIFIER_WINDOW_HOURS = 23;

/** A claimed outbox row: what a send needs. */
export interface OutboxRow {
  id: string;
  tenantId: string;
  kind: LedgerKind;
  videoSeconds: number;
  occurredAt: Date;
  reason: string | null;
  attempts: number;
}

export interface DispatchResult {
  sent: number;
  /** Failed this time, will be retried after a backoff. */
  retrying: number;
  /** Refused by Stripe (4xx): state failed. */
  failed: number;
  /** Free plan: nothing to send. */
  skipped: number;
  /** Moved to held this run (past the identifier window). */
  held: number;
}

interface RawOutboxRow {
  id: string;
  tenant_id: string;
  kind: LedgerKind;
  video_seconds: number;
  occurred_at: Date;
  reason: string | null;
  attempts: number;
}

/**
 * The outbox dispatcher: sends each unsent ledger row to Stripe (a usage row as a meter event whose
 * identifier is the row id; a credit as a credit grant) and marks it sent.
 *
 *   claim (commit: attempts+1, lease) ──► send to Stripe ──► mark sent (commit)
 *
 * A crash after the send and before the mark leaves the row claimed; when its lease expires another run
 * sends it again with the same identifier (and idempotency key), and Stripe keeps one. Failures get
 * exponential backoff (TALLY_BILLING_RETRY_BASE_MS), on top of the client's own quick retries.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly stripe: StripeGateway,
    private readonly accounts: BillingAccountsService,
    private readonly metrics: BillingMetrics,
  ) {}

  /** How long a claim lasts: every client attempt timing out, plus the client's backoff, plus slack. */
  private leaseMs(): number {
    const b = this.env.billing;
    return b.stripeTimeoutMs * (b.stripeMaxNetworkRetries + 1) + 5_000 * b.stripeMaxNetworkRetries + 60_000;
  }

  /** Sends up to `limit` due rows, one at a time. */
  async runOnce(limit = 200): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, retrying: 0, failed: 0, skipped: 0, held: 0 };
    if (!this.stripe.enabled) return result;
    result.held = await this.holdExpired();
    for (let i = 0; i < limit; i++) {
      const row = await this.claimNext();
      if (!row) break;
      result[await this.dispatch(row)]++;
    }
    if (result.sent + result.retrying + result.failed + result.held > 0) this.logger.log(`billing outbox: ${JSON.stringify(result)}`);
    return result;
  }

  /** Rows past the identifier window are held for a person (reconciliation shows whether Stripe has them). */
  private async holdExpired(): Promise<number> {
    const [rows] = (await this.db.query(
      `UPDATE usage_ledger SET dispatch_state = 'held', locked_until = NULL,
              last_error = 'unsent ' || $1 || ' h after its first attempt, past Stripe''s identifier dedup window: check the reconciliation, then requeue'
        WHERE dispatch_state = 'pending' AND first_attempt_at < now() - make_interval(hours => $1)
          AND (locked_until IS NULL OR locked_until < now())
        RETURNING id`,
      [IDENTIFIER_WINDOW_HOURS],
    )) as [{ id: string }[], number];
    if (rows.length) this.logger.warn(`billing outbox: held ${rows.length} row(s) unsent past the identifier window`);
    return rows.length;
  }

  /** Claims the next due row: counts the attempt and leases it, in its own committed statement. */
  async claimNext(): Promise<OutboxRow | null> {
    const [rows] = (await this.db.query(
      `UPDATE usage_ledger l
          SET attempts = l.attempts + 1, first_attempt_at = coalesce(l.first_attempt_at, now()),
              locked_until = now() + make_interval(secs => $1)
        WHERE l.id = (SELECT id FROM usage_ledger
                       WHERE dispatch_state = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
                       ORDER BY next_attempt_at, occurred_at
                       LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING l.id, l.tenant_id, l.kind, l.video_seconds, l.occurred_at, l.reason, l.attempts`,
      [this.leaseMs() / 1000],
    )) as [RawOutboxRow[], number];
    const r = rows[0];
    if (!r) return null;
    return { id: r.id, tenantId: r.tenant_id, kind: r.kind, videoSeconds: r.video_seconds, occurredAt: r.occurred_at, reason: r.reason, attempts: r.attempts };
  }

  /** Sends one claimed row and records the outcome. */
  async dispatch(row: OutboxRow): Promise<'sent' | 'retrying' | 'failed' | 'skipped'> {
    let ref: string | null;
    try {
      ref = await this.deliver(row);
    } catch (err) {
      return this.recordFailure(row, err);
    }
    if (ref === null) {
      await this.mark(row.id, 'skipped', null, null);
      return 'skipped';
    }
    await this.mark(row.id, 'sent', ref, null);
    this.metrics.sent.inc({ kind: row.kind });
    return 'sent';
  }

  /** The Stripe side of a row; the reference Stripe has for it, or null when the tenant is not billed through Stripe. */
  async deliver(row: OutboxRow): Promise<string | null> {
    const account = await this.accounts.ensure(row.tenantId);
    if (!account) return null;
    if (row.kind === 'usage') {
      await this.stripe.sendMeterEvent({ identifier: row.id, customerId: account.customerId, value: row.videoSeconds, occurredAt: row.occurredAt });
      return row.id;
    }
    const amountCents = creditValueCents(row.videoSeconds, account.plan);
    if (amountCents === 0) return `none:${row.id}`; // worth nothing at this plan's price
    return this.stripe.grantCredit({ ledgerId: row.id, customerId: account.customerId, amountCents, currency: account.plan.currency, reason: row.reason ?? 'credit' });
  }

  private async recordFailure(row: OutboxRow, err: unknown): Promise<'retrying' | 'failed'> {
    const message = stripeErrorMessage(err).slice(0, 1000);
    if (!isTransientStripeError(err)) {
      this.logger.error(`billing outbox: Stripe refused ledger row ${row.id}: ${message}`);
      await this.mark(row.id, 'failed', null, message);
      this.metrics.sendFailures.inc({ outcome: 'failed' });
      return 'failed';
    }
    const delayMs = retryDelayMs(row.attempts, this.env.billing.retryBaseMs);
    this.logger.warn(`billing outbox: ledger row ${row.id} attempt ${row.attempts} failed, retrying in ${delayMs} ms: ${message}`);
    await this.db.query(
      `UPDATE usage_ledger SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3), locked_until = NULL
        WHERE id = $1 AND dispatch_state = 'pending'`,
      [row.id, message, delayMs / 1000],
    );
    this.metrics.sendFailures.inc({ outcome: 'retrying' });
    return 'retrying';
  }

  private async mark(id: string, state: 'sent' | 'skipped' | 'failed', ref: string | null, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE usage_ledger SET dispatch_state = $2, stripe_ref = $3, last_error = $4, locked_until = NULL,
              sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END
        WHERE id = $1 AND dispatch_state = 'pending'`,
      [id, state, ref, error],
    );
  }
}
