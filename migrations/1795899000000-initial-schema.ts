import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Plans, tenants, users, API keys, videos, jobs, reports and signed-URL uploads. */
export class InitialSchema1795899000000 implements MigrationInterface {
  name = 'InitialSchema1795899000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plans (
        id text PRIMARY KEY,
        name text NOT NULL,
        included_video_minutes integer NOT NULL CHECK (included_video_minutes >= 0),
        price_per_extra_minute_cents numeric(12,4) NOT NULL DEFAULT 0,
        currency text NOT NULL DEFAULT 'usd',
        max_concurrent_jobs integer NOT NULL CHECK (max_concurrent_jobs >= 0),
        max_video_minutes_per_month integer,
        max_file_size_bytes bigint NOT NULL,
        max_duration_sec integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        plan_id text NOT NULL REFERENCES plans(id),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'past_due')),
        quota_overrides jsonb NOT NULL DEFAULT '{}',
        webhook_secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email text NOT NULL,
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_tenant_idx ON users (tenant_id)`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`
      CREATE TABLE videos (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        storage_key text NOT NULL,
        original_name text NOT NULL,
        size_bytes bigint NOT NULL,
        duration_sec double precision NOT NULL,
        probe jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX videos_tenant_created_idx ON videos (tenant_id, created_at)`);
    await q.query(`CREATE INDEX videos_retention_idx ON videos (created_at) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        video_id uuid NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'succeeded', 'failed', 'canceled')),
        progress real NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        error_code text,
        error_message text,
        options jsonb NOT NULL DEFAULT '{}',
        priority integer NOT NULL DEFAULT 1,
        deadline_at timestamptz NOT NULL,
        worker_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        decode_ms integer,
        inference_ms integer,
        wall_ms integer,
        frames_analysed integer,
        fps real,
        idempotency_key text,
        callback_url text,
        webhook_delivered_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX jobs_tenant_idempotency_key ON jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX jobs_tenant_status_created_idx ON jobs (tenant_id, status, created_at DESC)`);
    await q.query(`CREATE INDEX jobs_status_deadline_idx ON jobs (status, deadline_at)`);
    await q.query(`CREATE INDEX jobs_status_priority_idx ON jobs (status, priority)`);
    await q.query(`CREATE INDEX jobs_video_idx ON jobs (video_id)`);
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        report jsonb NOT NULL,
        counts jsonb NOT NULL,
        objects_total integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reports_tenant_idx ON reports (tenant_id, created_at)`);
    await q.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        video_id uuid NOT NULL,
        storage_key text NOT NULL,
        original_name text NOT NULL,
        token_hash text,
        options jsonb NOT NULL DEFAULT '{}',
        callback_url text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
        job_id uuid,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX uploads_tenant_idx ON uploads (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['uploads', 'reports', 'jobs', 'videos', 'api_keys', 'users', 'tenants', 'plans']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
