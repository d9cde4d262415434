import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { BadRequestError, ServiceUnavailableError } from '../common/errors.js';
import { StripeGateway, StripeNotConfiguredError, type StripeEventView } from './stripe.gateway.js';

/** The plan a tenant falls back to when its subscription ends: the one that needs no Stripe. */
export const FALLBACK_PLAN = 'free';

export interface WebhookOutcome {
  received: true;
  /** The event id was handled before: nothing was done again. */
  duplicate: boolean;
}

const customerOf = (o: StripeEventView['object']): string | null => (typeof o.customer === 'string' ? o.customer : (o.customer?.id ?? null));

/**
 * Stripe webhooks: verified on the raw body, recorded by event id in the same transaction as their effect
 * (a replay finds the id and does nothing), and applied only if newer than the last billing event applied
 * to the tenant (Stripe does not guarantee order).
 */
@Injectable()
export class StripeWebhooksService {
  private readonly logger = new Logger(StripeWebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stripe: StripeGateway,
  ) {}

  async handle(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookOutcome> {
    if (!rawBody) throw new BadRequestError('invalid_payload', 'empty body: Stripe sends the event as JSON');
    if (!signature) throw new BadRequestError('invalid_signature', 'missing Stripe-Signature header');
    let event: StripeEventView;
    try {
      event = this.stripe.verifyWebhook(rawBody, signature);
    } catch (err) {
      if (err instanceof StripeNotConfiguredError) throw new ServiceUnavailableError('stripe_webhooks_disabled', err.message);
      throw new BadRequestError('invalid_signature', `the Stripe-Signature header does not match the payload (${err instanceof Error ? err.message.split('\n')[0] : 'invalid'})`);
    }
    return this.db.transaction(async (tx) => {
      const inserted = (await tx.query(
        `INSERT INTO stripe_webhook_events (id, type, stripe_created_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.created],
      )) as { id: string }[];
      if (inserted.length === 0) return { received: true, duplicate: true };
      const tenantId = await this.apply(tx, event);
      if (tenantId) await tx.query(`UPDATE stripe_webhook_events SET tenant_id = $2 WHERE id = $1`, [event.id, tenantId]);
      return { received: true, duplicate: false };
    });
  }

  /** The event's effect; returns the tenant it concerned (null: unknown customer or an ignored type). */
  private async apply(tx: EntityManager, event: StripeEventView): Promise<string | null> {
    const customer = customerOf(event.object);
    if (!customer) return null;
    const [tenant] = (await tx.query(`SELECT id, stripe_subscription_id FROM tenants WHERE stripe_customer_id = $1 FOR UPDATE`, [customer])) as {
      id: string;
      stripe_subscription_id: string | null;
    }[];
    if (!tenant) {
      this.logger.warn(`stripe webhook ${event.id} (${event.type}): no tenant has customer ${customer}`);
      return null;
    }
    switch (event.type) {
      case 'invoice.payment_failed':
        await this.setStatus(tx, tenant.id, event, `CASE WHEN status = 'active' THEN 'past_due' ELSE status END`);
        break;
      case 'invoice.paid':
        await this.setStatus(tx, tenant.id, event, `CASE WHEN status = 'past_due' THEN 'active' ELSE status END`);
        break;
      case 'customer.subscription.updated': {
        const s = event.object.status;
        const status =
          s === 'past_due' || s === 'unpaid'
            ? `CASE WHEN status = 'active' THEN 'past_due' ELSE status END`
            : s === 'active' || s === 'trialing'
              ? `CASE WHEN status = 'past_due' THEN 'active' ELSE status END`
              : 'status';
        await this.setStatus(tx, tenant.id, event, status, { subscriptionId: event.object.id ?? null, subscriptionStatus: s ?? null });
        break;
      }
      case 'customer.subscription.deleted':
        // Only the subscription we know: an old one's deletion must not downgrade the tenant.
        if (event.object.id && event.object.id === tenant.stripe_subscription_id) {
          await tx.query(
            `UPDATE tenants SET stripe_subscription_id = NULL, stripe_subscription_status = 'canceled',
                    plan_id = CASE WHEN EXISTS (SELECT 1 FROM plans WHERE id = $2) THEN $2 ELSE plan_id END, updated_at = now()
              WHERE id = $1`,
            [tenant.id, FALLBACK_PLAN],
          );
          this.logger.log(`tenant ${tenant.id}: subscription ${event.object.id} ended, now on the ${FALLBACK_PLAN} plan`);
        }
        break;
      default:
        return tenant.id; // recorded, nothing to do
    }
    return tenant.id;
  }

  /**
   * Applies a status expression unless a newer billing event was already applied. `statusSql` is one of
   * the fixed CASE expressions above (never built from input).
   */
  private async setStatus(
    tx: EntityManager,
    tenantId: string,
    event: StripeEventView,
    statusSql: string,
    sub?: { subscriptionId: string | null; subscriptionStatus: string | null },
  ): Promise<void> {
    const [rows] = (await tx.query(
      `UPDATE tenants SET status = ${statusSql}, billing_event_at = to_timestamp($2), updated_at = now()
              ${sub ? `, stripe_subscription_status = CASE WHEN stripe_subscription_id IS NULL OR stripe_subscription_id = $3 THEN $4 ELSE stripe_subscription_status END` : ''}
        WHERE id = $1 AND (billing_event_at IS NULL OR billing_event_at <= to_timestamp($2))
        RETURNING status`,
      sub ? [tenantId, event.created, sub.subscriptionId, sub.subscriptionStatus] : [tenantId, event.created],
    )) as [{ status: string }[], number];
    if (rows.length === 0) this.logger.log(`stripe webhook ${event.id} (${event.type}) is older than the last one applied to tenant ${tenantId}: ignored`);
    else this.logger.log(`stripe webhook ${event.id} (${event.type}): tenant ${tenantId} is ${rows[0].status}`);
  }
}
