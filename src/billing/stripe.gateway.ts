import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { TALLY_ENV } from '../config/config.module.js';
import type { BillingEnv, TallyEnv } from '../config/env.js';
import type { InvoiceSummary } from '../portal/views.js';

export type { InvoiceSummary } from '../portal/views.js';

/** A Stripe event, reduced to what the webhook handler reads. */
export interface StripeEventView {
  id: string;
  type: string;
  created: number;
  object: { id?: string; customer?: string | { id: string } | null; status?: string };
}

/** Stripe is not configured (ledger-only mode), or a setting it needs is missing. */
export class StripeNotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StripeNotConfiguredError';
  }
}

/** The real client, pointed at STRIPE_API_HOST/PORT/PROTOCOL when set (tests, stripe-mock). */
export function createStripeClient(env: BillingEnv): Stripe {
  return new Stripe(env.stripeSecretKey, {
    ...(env.stripeApiHost ? { host: env.stripeApiHost } : {}),
    ...(env.stripeApiPort ? { port: env.stripeApiPort } : {}),
    protocol: env.stripeApiProtocol,
    timeout: env.stripeTimeoutMs,
    maxNetworkRetries: env.stripeMaxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'tally' },
  });
}

/**
 * Whether a failed call may succeed later: network errors, timeouts, 409, 429, 5xx, and also 401/403
 * (a key being rotated: the rows wait instead of failing). A 400/404 (invalid request, no such customer)
 * will not change by itself: the row fails and a person looks at it.
 */
export function isTransientStripeError(err: unknown): boolean {
  if (err instanceof StripeNotConfiguredError) return true; // fix the setting and the rows flow again
  if (!(err instanceof Stripe.errors.StripeError)) return true;
  if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError) {
    const status = err.statusCode ?? 400;
    return status === 409 || status === 429 || status >= 500;
  }
  return true;
}

export function stripeErrorMessage(err: unknown): string {
  if (err instanceof Stripe.errors.StripeError) return `${err.type}${err.statusCode ? ` ${err.statusCode}` : ''}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

const toIso = (unixSec: number | null | undefined): string => new Date((unixSec ?? 0) * 1000).toISOString();

/**
 * Everything Tally asks of Stripe, and the only place that imports the `stripe` package. Calls carry
 * idempotency keys derived from our ids, so the client's own retries and ours never create twice
 * within Stripe's 24-hour idempotency window.
 */
@Injectable()
export class StripeGateway {
  private readonly client: Stripe | null;
  private readonly env: BillingEnv;
  private meterIdCache: string | undefined;

  constructor(@Inject(TALLY_ENV) env: TallyEnv) {
    this.env = env.billing;
    this.client = this.env.stripeSecretKey ? createStripeClient(this.env) : null;
  }

  /** False: ledger-only mode (no STRIPE_SECRET_KEY). */
  get enabled(): boolean {
    return this.client !== null;
  }

  private stripe(): Stripe {
    if (!this.client) throw new StripeNotConfiguredError('Stripe is not configured: set STRIPE_SECRET_KEY');
    return this.client;
  }

  async createCustomer(tenant: { id: string; name: string }): Promise<string> {
    const customer = await this.stripe().customers.create(
      { name: tenant.name, metadata: { tenant_id: tenant.id } },
      { idempotencyKey: `tally-customer-${tenant.id}` },
    );
    return customer.id;
  }

  async createSubscription(customerId: string, priceId: string, tenantId: string): Promise<{ id: string; status: string }> {
    // No payment is due at creation (metered price), so Stripe activates it without a payment method.
    const sub = await this.stripe().subscriptions.create({ customer: customerId, items: [{ price: priceId }], metadata: { tenant_id: tenantId } });
    return { id: sub.id, status: sub.status };
  }

  /** The subscription's (single) item and its price, or null when Stripe no longer has the subscription. */
  async subscriptionItem(subscriptionId: string): Promise<{ itemId: string; priceId: string; status: string } | null> {
    let sub: Stripe.Subscription;
    try {
      sub = await this.stripe().subscriptions.retrieve(subscriptionId);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
    const item = sub.items.data[0];
    if (!item || sub.status === 'canceled') return null;
    return { itemId: item.id, priceId: item.price.id, status: sub.status };
  }

  /**
   * Moves the subscription to another metered price. No proration: the period's usage is rated at the new
   * price, as Tally's own estimate rates it at the tenant's current plan.
   */
  async changeSubscriptionPrice(subscriptionId: string, itemId: string, priceId: string): Promise<void> {
    await this.stripe().subscriptions.update(
      subscriptionId,
      { items: [{ id: itemId, price: priceId }], proration_behavior: 'none' },
      { idempotencyKey: `tally-price-${subscriptionId}-${priceId}` },
    );
  }

  /** Ends the subscription now, invoicing the usage so far (a move to a plan Stripe does not bill). */
  async cancelSubscription(subscriptionId: string): Promise<void> {
    await this.stripe().subscriptions.cancel(subscriptionId, { invoice_now: true, prorate: false });
  }

  /** One meter event; `identifier` (our ledger row id) is how Stripe drops a resend within its ~24 h window. */
  async sendMeterEvent(e: { identifier: string; customerId: string; value: number; occurredAt: Date }): Promise<void> {
    await this.stripe().billing.meterEvents.create(
      {
        event_name: this.env.stripeMeterEventName,
        payload: { stripe_customer_id: e.customerId, value: String(e.value) },
        identifier: e.identifier,
        timestamp: Math.floor(e.occurredAt.getTime() / 1000),
      },
      { idempotencyKey: `tally-meter-${e.identifier}` },
    );
  }

  /** A credit as a Billing credit grant: money that only metered charges (our overage) can consume. */
  async grantCredit(c: { ledgerId: string; customerId: string; amountCents: number; currency: string; reason: string }): Promise<string> {
    const grant = await this.stripe().billing.creditGrants.create(
      {
        customer: c.customerId,
        name: c.reason.slice(0, 100),
        category: 'promotional',
        amount: { type: 'monetary', monetary: { value: c.amountCents, currency: c.currency } },
        applicability_config: { scope: { price_type: 'metered' } },
        metadata: { ledger_row_id: c.ledgerId },
      },
      { idempotencyKey: `tally-credit-${c.ledgerId}` },
    );
    return grant.id;
  }

  /** STRIPE_METER_ID, or the active meter whose event name is STRIPE_METER_EVENT_NAME. */
  async meterId(): Promise<string> {
    if (this.env.stripeMeterId) return this.env.stripeMeterId;
    if (this.meterIdCache) return this.meterIdCache;
    for await (const meter of this.stripe().billing.meters.list({ status: 'active', limit: 100 })) {
      if (meter.event_name === this.env.stripeMeterEventName) {
        this.meterIdCache = meter.id;
        return meter.id;
      }
    }
    throw new StripeNotConfiguredError(`no active Stripe meter has the event name ${this.env.stripeMeterEventName}: create it or set STRIPE_METER_ID`);
  }

  /** Stripe's aggregated meter value for a customer over [start, end) (minute-aligned). */
  async meterTotal(customerId: string, start: Date, end: Date): Promise<number> {
    const id = await this.meterId();
    let total = 0;
    const params = { customer: customerId, start_time: Math.floor(start.getTime() / 1000), end_time: Math.floor(end.getTime() / 1000), limit: 100 };
    for await (const summary of this.stripe().billing.meters.listEventSummaries(id, params)) total += summary.aggregated_value;
    return total;
  }

  async listInvoices(customerId: string, limit: number): Promise<InvoiceSummary[]> {
    const page = await this.stripe().invoices.list({ customer: customerId, limit });
    return page.data.map((i) => ({
      id: i.id ?? '',
      number: i.number ?? null,
      status: i.status ?? null,
      currency: i.currency,
      total: i.total,
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      periodStart: toIso(i.period_start),
      periodEnd: toIso(i.period_end),
      created: toIso(i.created),
      hostedInvoiceUrl: i.hosted_invoice_url ?? null,
    }));
  }

  /** Verifies the Stripe-Signature header over the raw body; throws when it does not match. */
  verifyWebhook(rawBody: Buffer, signature: string): StripeEventView {
    if (!this.env.stripeWebhookSecret) throw new StripeNotConfiguredError('Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET');
    const event = Stripe.webhooks.constructEvent(rawBody, signature, this.env.stripeWebhookSecret);
    return { id: event.id, type: event.type, created: event.created, object: event.data.object as StripeEventView['object'] };
  }
}
