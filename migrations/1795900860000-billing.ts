import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing (issue 4): the usage ledger (also the outbox of meter events to Stripe), processed Stripe
 * webhook events, reconciliation results, and the Stripe ids on tenants and plans.
 */
export class Billing1795900860000 implements MigrationInterface {
  name = 'Billing1795900860000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN stripe_customer_id text UNIQUE`);
    await q.query(`ALTER TABLE tenants ADD COLUMN stripe_subscription_id text`);
    await q.query(`ALTER TABLE tenants ADD COLUMN stripe_subscription_status text`);
    // Creation time of the Stripe event that last changed the billing status: older events never undo newer ones.
    await q.query(`ALTER TABLE tenants ADD COLUMN billing_event_at timestamptz`);
    await q.query(`ALTER TABLE plans ADD COLUMN stripe_price_id text`);
    await q.query(`
      CREATE TABLE usage_ledger (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('usage', 'credit')),
        -- No foreign key: the ledger is a financial record and outlives purged jobs. UNIQUE: a job is billed once.
        job_id uuid UNIQUE,
        video_seconds integer NOT NULL,
        frames_analysed integer,
        inference_seconds double precision,
        decode_seconds double precision,
        reason text,
        issued_by text,
        idempotency_key text,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatch_state text NOT NULL DEFAULT 'pending' CHECK (dispatch_state IN ('pending', 'sent', 'skipped', 'held', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        sent_at timestamptz,
        last_error text,
        stripe_ref text,
        CHECK ((kind = 'usage' AND job_id IS NOT NULL AND video_seconds >= 0)
            OR (kind = 'credit' AND job_id IS NULL AND video_seconds < 0 AND reason IS NOT NULL AND issued_by IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX usage_ledger_tenant_idempotency_key ON usage_ledger (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX usage_ledger_tenant_occurred_idx ON usage_ledger (tenant_id, occurred_at)`);
    await q.query(`CREATE INDEX usage_ledger_outbox_idx ON usage_ledger (next_attempt_at) WHERE dispatch_state IN ('pending', 'held', 'failed')`);
    await q.query(`
      CREATE TABLE stripe_webhook_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        stripe_created_at timestamptz NOT NULL,
        tenant_id uuid,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE billing_reconciliations (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        stripe_customer_id text NOT NULL,
        ledger_sent_seconds bigint NOT NULL,
        ledger_unsent_seconds bigint NOT NULL,
        stripe_seconds bigint,
        difference_seconds bigint,
        status text NOT NULL CHECK (status IN ('match', 'mismatch', 'error')),
        error text,
        checked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, period_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS billing_reconciliations`);
    await q.query(`DROP TABLE IF EXISTS stripe_webhook_events`);
    await q.query(`DROP TABLE IF EXISTS usage_ledger`);
    await q.query(`ALTER TABLE plans DROP COLUMN IF EXISTS stripe_price_id`);
    for (const c of ['billing_event_at', 'stripe_subscription_status', 'stripe_subscription_id', 'stripe_customer_id']) {
      await q.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS ${c}`);
    }
  }
}
