import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Stripe price a tenant's subscription is on, so a plan change (admin panel, SQL, anything) is carried to
 * Stripe: the billing dispatcher compares it with the plan's price before it sends usage. NULL (subscriptions
 * made before this column) makes it look the price up in Stripe once.
 */
export class StripeSubscriptionPrice1795902500000 implements MigrationInterface {
  name = 'StripeSubscriptionPrice1795902500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN IF NOT EXISTS stripe_subscription_price_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS stripe_subscription_price_id`);
  }
}
