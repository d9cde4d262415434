import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';

export const LEDGER_KINDS = ['usage', 'credit'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * Where a row stands in the outbox to Stripe:
 * pending → sent; skipped (free plan, or Stripe disabled when it was due); failed (Stripe refused it: 4xx);
 * held (still unsent when Stripe's ~24 h identifier dedup window closed: a resend could count twice,
 * so a person checks the reconciliation and requeues it).
 */
export const DISPATCH_STATES = ['pending', 'sent', 'skipped', 'held', 'failed'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/**
 * One row per succeeded job (kind usage, unique job id), written in the transaction that marks the job
 * succeeded; credits and refunds are negative rows (kind credit) with a reason and who issued them.
 * The row id is the Stripe meter event `identifier`. The columns after createdAt are the outbox state.
 */
@Entity('usage_ledger')
export class UsageLedgerEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant: Relation<Tenant>;

  @Column('text')
  kind: LedgerKind;

  /** The billed job (usage rows); null for credits. Unique. */
  @Column('uuid', { nullable: true })
  jobId: string | null;

  /** Analysed video-seconds, the video's duration rounded up; negative for credits. */
  @Column('integer')
  videoSeconds: number;

  @Column('integer', { nullable: true })
  framesAnalysed: number | null;

  @Column('double precision', { nullable: true })
  inferenceSeconds: number | null;

  @Column('double precision', { nullable: true })
  decodeSeconds: number | null;

  /** Credits: why (shown to the tenant). */
  @Column('text', { nullable: true })
  reason: string | null;

  /** Credits: who issued it (an admin's email, `cli`, …). */
  @Column('text', { nullable: true })
  issuedBy: string | null;

  /** Credits: unique per tenant, so a retried request issues one credit. */
  @Column('text', { nullable: true })
  idempotencyKey: string | null;

  /** When the job finished (or the credit was issued): decides the billing period and the meter event timestamp. */
  @Column('timestamptz')
  occurredAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('text', { default: 'pending' })
  dispatchState: DispatchState;

  /** Sends started (each one may or may not have reached Stripe). */
  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { nullable: true })
  firstAttemptAt: Date | null;

  @Column('timestamptz')
  nextAttemptAt: Date;

  /** A dispatcher holds the row until then; a crashed one's claim simply expires. */
  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;

  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  /** What Stripe created for it: the meter event identifier, or a credit grant id. */
  @Column('text', { nullable: true })
  stripeRef: string | null;
}
