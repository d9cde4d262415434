import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import type { Plan } from '../plans/plan.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { StripeGateway, StripeNotConfiguredError } from './stripe.gateway.js';

/** A tenant that is billed through Stripe: its customer, and the plan that prices it. */
export interface BillingAccount {
  tenantId: string;
  customerId: string;
  plan: Plan;
}

/** A plan is billed through Stripe when it charges for overage or names its own Stripe price; the free plan is not. */
export function isStripeBilled(plan: Pick<Plan, 'pricePerExtraMinuteCents' | 'stripePriceId'>): boolean {
  return plan.pricePerExtraMinuteCents > 0 || !!plan.stripePriceId;
}

/** What syncPlan did to the tenant's subscription. */
export type PlanSync = 'none' | 'unchanged' | 'price_changed' | 'canceled' | 'created';

/**
 * A tenant's Stripe customer and metered subscription: created the first time it has billable usage, and kept
 * on its plan's price. A plan change, however it is made, reaches Stripe before the next usage is sent: the
 * subscription moves to the new plan's price, or ends (invoicing the usage so far) when the new plan is not
 * billed through Stripe. One writer at a time per tenant (a transaction-scoped advisory lock).
 */
@Injectable()
export class BillingAccountsService {
  private readonly logger = new Logger(BillingAccountsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly stripe: StripeGateway,
  ) {}

  /** The Stripe price of a plan, or null when the plan is not billed through Stripe. */
  private priceOf(plan: Plan): string | null {
    if (!isStripeBilled(plan)) return null;
    const price = plan.stripePriceId || this.env.billing.stripePriceId;
    if (!price) throw new StripeNotConfiguredError(`plan ${plan.id} has no Stripe price: set STRIPE_PRICE_ID or the plan's stripe_price_id`);
    return price;
  }

  /** The tenant's account, created in Stripe if needed and on its plan's price; null when its plan is not billed through Stripe. */
  async ensure(tenantId: string): Promise<BillingAccount | null> {
    const tenant = await this.load(this.db, tenantId);
    const price = this.priceOf(tenant.plan);
    if (tenant.stripeCustomerId && tenant.stripeSubscriptionId && tenant.stripeSubscriptionPriceId === price && price) {
      return { tenantId, customerId: tenant.stripeCustomerId, plan: tenant.plan };
    }
    if (!price && !tenant.stripeSubscriptionId) return null;
    await this.syncPlan(tenantId, true);
    const t = await this.load(this.db, tenantId);
    return price && t.stripeCustomerId ? { tenantId, customerId: t.stripeCustomerId, plan: t.plan } : null;
  }

  /**
   * Brings the tenant's Stripe subscription to its plan: creates it (with `create`, when usage is about to be
   * sent), moves it to the plan's price, or ends it when the plan is not billed through Stripe.
   */
  async syncPlan(tenantId: string, create = false): Promise<PlanSync> {
    if (!this.stripe.enabled) return 'none';
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`tally-billing:${tenantId}`]);
      const t = await this.load(tx, tenantId); // again, under the lock
      const price = this.priceOf(t.plan);
      const tenants = this.db.getRepository(Tenant);
      if (!price) {
        if (!t.stripeSubscriptionId) return 'none';
        await this.stripe.cancelSubscription(t.stripeSubscriptionId);
        await tenants.update({ id: tenantId }, { stripeSubscriptionId: null, stripeSubscriptionStatus: 'canceled', stripeSubscriptionPriceId: null });
        this.logger.log(`tenant ${tenantId}: plan ${t.plan.id} is not billed through Stripe, subscription ${t.stripeSubscriptionId} ended`);
        return 'canceled';
      }
      if (t.stripeSubscriptionId) {
        if (t.stripeSubscriptionPriceId === price) return 'unchanged';
        const item = await this.stripe.subscriptionItem(t.stripeSubscriptionId);
        if (item) {
          if (item.priceId !== price) await this.stripe.changeSubscriptionPrice(t.stripeSubscriptionId, item.itemId, price);
          await tenants.update({ id: tenantId }, { stripeSubscriptionPriceId: price });
          if (item.priceId !== price) this.logger.log(`tenant ${tenantId}: subscription ${t.stripeSubscriptionId} moved to ${price} (plan ${t.plan.id})`);
          return item.priceId === price ? 'unchanged' : 'price_changed';
        }
        // Stripe no longer has it (ended there): a new one is made below when usage needs it.
        await tenants.update({ id: tenantId }, { stripeSubscriptionId: null, stripeSubscriptionPriceId: null });
      }
      if (!create) return 'none';
      let customerId = t.stripeCustomerId;
      if (!customerId) {
        customerId = await this.stripe.createCustomer(t);
        // Committed at once (not with the lock's transaction): a failure below must not forget the customer.
        await tenants.update({ id: tenantId }, { stripeCustomerId: customerId });
      }
      const sub = await this.stripe.createSubscription(customerId, price, tenantId);
      await tenants.update({ id: tenantId }, { stripeSubscriptionId: sub.id, stripeSubscriptionStatus: sub.status, stripeSubscriptionPriceId: price });
      return 'created';
    });
  }

  private async load(db: Pick<DataSource, 'getRepository'>, tenantId: string): Promise<Tenant> {
    return db.getRepository(Tenant).findOneOrFail({ where: { id: tenantId }, relations: { plan: true } });
  }
}
