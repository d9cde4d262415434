import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password resets: single-use links issued by support staff (stored as the SHA-256 of the token, never the
 * token), and the moment each user's password last changed (sessions started before it are void).
 */
export class PasswordResets1795902000000 implements MigrationInterface {
  name = 'PasswordResets1795902000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS password_reset_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS password_reset_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS password_changed_at`);
  }
}
