import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin panel (issue 5): staff accounts, separate from customers' users, and the audit log of their actions. */
export class AdminStaffAndAudit1795901500000 implements MigrationInterface {
  name = 'AdminStaffAndAudit1795901500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('support', 'admin')),
        disabled_at timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_users_email_key ON staff_users (email)`);
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_user_id uuid REFERENCES staff_users(id) ON DELETE SET NULL,
        staff_email text NOT NULL,
        staff_role text NOT NULL,
        action text NOT NULL,
        resource text NOT NULL,
        record_id text,
        before jsonb,
        after jsonb,
        note text,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_created_idx ON audit_log (created_at)`);
    await q.query(`CREATE INDEX audit_log_record_idx ON audit_log (resource, record_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DROP TABLE IF EXISTS staff_users`);
  }
}
