import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal: a tenant-level default webhook URL (jobs submitted without a callbackUrl use it), and an index
 * for its job list (a tenant's jobs, newest first, whatever their status).
 */
export class Portal1795901000000 implements MigrationInterface {
  name = 'Portal1795901000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN IF NOT EXISTS webhook_url text`);
    await q.query(`CREATE INDEX IF NOT EXISTS jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS jobs_tenant_created_idx`);
    await q.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS webhook_url`);
  }
}
