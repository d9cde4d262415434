import { Inject, Injectable } from '@nestjs/common';
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

/**
 * Creates a tenant's Stripe customer and metered subscription the first time it has billable usage.
 * One creator at a time per tenant (a transaction-scoped advisory lock), so two dispatchers never create two.
 */
@Injectable()
export class BillingAccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly stripe: StripeGateway,
  ) {}

  /** The tenant's account, created in Stripe if needed; null when its plan is not billed through Stripe. */
  async ensure(tenantId: string): Promise<BillingAccount | null> {
    const tenant = await this.load(this.db, tenantId);
    if (!isStripeBilled(tenant.plan)) return null;
    if (tenant.stripeCustomerId && tenant.stripeSubscriptionId) return { tenantId, customerId: tenant.stripeCustomerId, plan: tenant.plan };
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`tally-billing:${tenantId}`]);
      const t = await this.load(tx, tenantId); // again, under the lock
      let customerId = t.stripeCustomerId;
      if (!customerId) {
        customerId = await this.stripe.createCustomer(t);
        // Committed at once (not with the lock's transaction): a failure below must not forget the customer.
        await this.db.getRepository(Tenant).update({ id: tenantId }, { stripeCustomerId: customerId });
      }
      if (!t.stripeSubscriptionId) {
        const priceId = t.plan.stripePriceId || this.env.billing.stripePriceId;
        if (!priceId) throw new StripeNotConfiguredError(`plan ${t.plan.id} has no Stripe price: set STRIPE_PRICE_ID or the plan's stripe_price_id`);
        const sub = await this.stripe.createSubscription(customerId, priceId, tenantId);
        await this.db.getRepository(Tenant).update({ id: tenantId }, { stripeSubscriptionId: sub.id, stripeSubscriptionStatus: sub.status });
      }
      return { tenantId, customerId, plan: t.plan };
    });
  }

  private async load(db: Pick<DataSource, 'getRepository'>, tenantId: string): Promise<Tenant> {
    return db.getRepository(Tenant).findOneOrFail({ where: { id: tenantId }, relations: { plan: true } });
  }
}
