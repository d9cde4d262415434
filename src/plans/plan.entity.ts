import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { numeric } from '../database/transformers.js';

/** A price plan and its quotas. Seeded by a migration (free, pro, enterprise); billing and admin edit them. */
@Entity('plans')
export class Plan {
  /** A readable slug: 'free', 'pro', 'enterprise'. */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  name: string;

  @Column('integer')
  includedVideoMinutes: number;

  /** In cents, fractional allowed (e.g. 2.5 = $0.025 per minute). */
  @Column('numeric', { precision: 12, scale: 4, transformer: numeric })
  pricePerExtraMinuteCents: number;

  @Column('text')
  currency: string;

  /** Stripe metered price (per video-second) for this plan; null: STRIPE_PRICE_ID, or not billed through Stripe if free. */
  @Column('text', { nullable: true })
  stripePriceId: string | null;

  /** Jobs queued or processing at once. */
  @Column('integer')
  maxConcurrentJobs: number;

  /** Null: no cap beyond included + overage. */
  @Column('integer', { nullable: true })
  maxVideoMinutesPerMonth: number | null;

  @Column('bigint', { transformer: numeric })
  maxFileSizeBytes: number;

  @Column('integer')
  maxDurationSec: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
