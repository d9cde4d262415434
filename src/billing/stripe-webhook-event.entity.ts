import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A Stripe webhook event already handled: a replay (same id) changes nothing. */
@Entity('stripe_webhook_events')
export class StripeWebhookEvent {
  /** evt_… */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  type: string;

  @Column('timestamptz')
  stripeCreatedAt: Date;

  /** The tenant it concerned, when we knew the customer. */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  processedAt: Date;
}
