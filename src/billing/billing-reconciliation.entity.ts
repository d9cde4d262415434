import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numeric } from '../database/transformers.js';

export const RECONCILIATION_STATUSES = ['match', 'mismatch', 'error'] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/**
 * The latest comparison of one tenant's period: our ledger's sent usage against Stripe's meter event
 * summary for the customer. Written by the reconciliation job; read by the admin panel.
 */
@Entity('billing_reconciliations')
export class BillingReconciliation {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('timestamptz')
  periodStart: Date;

  @Column('text')
  stripeCustomerId: string;

  /** Usage rows of the period marked sent. */
  @Column('bigint', { transformer: numeric })
  ledgerSentSeconds: number;

  /** Usage rows of the period not (yet) sent: pending, held or failed. */
  @Column('bigint', { transformer: numeric })
  ledgerUnsentSeconds: number;

  /** Stripe's aggregated meter value; null when it could not be read. */
  @Column('bigint', { nullable: true, transformer: numeric })
  stripeSeconds: number | null;

  /** stripe − ledger sent: > 0 Stripe counted more (a double count), < 0 Stripe is missing usage. */
  @Column('bigint', { nullable: true, transformer: numeric })
  differenceSeconds: number | null;

  @Column('text')
  status: ReconciliationStatus;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('timestamptz')
  checkedAt: Date;
}
