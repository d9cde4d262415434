import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';

export const TENANT_STATUSES = ['active', 'suspended', 'past_due'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** Per-tenant overrides of the plan's quotas; absent keys fall back to the plan. */
export interface QuotaOverrides {
  maxConcurrentJobs?: number;
  maxVideoMinutesPerMonth?: number | null;
  maxFileSizeBytes?: number;
  maxDurationSec?: number;
}

@Entity('tenants')
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  planId: string;

  @ManyToOne(() => Plan)
  @JoinColumn({ name: 'plan_id' })
  plan: Relation<Plan>;

  @Column('text', { default: 'active' })
  status: TenantStatus;

  @Column('jsonb', { default: {} })
  quotaOverrides: QuotaOverrides;

  /** Signs webhooks (HMAC-SHA256); shown to the tenant, rotated by them. */
  @Column('text')
  webhookSecret: string;

  /** Billing (src/billing): created lazily when the tenant's first billable usage is sent. */
  @Column('text', { nullable: true })
  stripeCustomerId: string | null;

  @Column('text', { nullable: true })
  stripeSubscriptionId: string | null;

  @Column('text', { nullable: true })
  stripeSubscriptionStatus: string | null;

  /** The Stripe price the subscription is on (compared with the plan's before usage is sent). */
  @Column('text', { nullable: true })
  stripeSubscriptionPriceId: string | null;

  /** When the Stripe event that last changed the billing status was created (older events are ignored). */
  @Column('timestamptz', { nullable: true })
  billingEventAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
