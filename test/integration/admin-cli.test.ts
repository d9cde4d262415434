import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { verifyPassword } from '../../src/portal/passwords.js';
import { runCliProcess } from '../support/cli.js';
import { dropTestDatabase } from '../support/database.js';

const DB_URL = 'postgres://postgres@127.0.0.1:5432/tally_test_admin_cli';

const tally = (...args: string[]) => runCliProcess(DB_URL, ...args);

describe('tally staff create', () => {
  beforeAll(async () => {
    await dropTestDatabase(DB_URL);
    expect((await tally('migrate')).code).toBe(0);
  });
  afterAll(async () => dropTestDatabase(DB_URL));

  it('creates a staff account with a scrypt hash, the email lower-cased', async () => {
    const res = await tally('staff', 'create', '--email', 'Ops@Tally.test', '--password', 'a long staff passphrase', '--role', 'admin');
    expect(res.code).toBe(0);
    const created = JSON.parse(res.stdout);
    expect(created).toMatchObject({ email: 'ops@tally.test', role: 'admin' });
    const client = new pg.Client({ connectionString: DB_URL });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT email, role, password_hash FROM staff_users WHERE id = $1', [created.id]);
      expect(rows[0]).toMatchObject({ email: 'ops@tally.test', role: 'admin' });
      expect(rows[0].password_hash).toMatch(/^scrypt\$/);
      expect(await verifyPassword('a long staff passphrase', rows[0].password_hash)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it.each([
    [['--email', 'ops@tally.test', '--password', 'another long passphrase', '--role', 'support'], /already exists/],
    [['--email', 'x@tally.test', '--password', 'short', '--role', 'support'], /at least 10 characters/],
    [['--email', 'y@tally.test', '--password', 'a long staff passphrase', '--role', 'root'], /role "root" is not one of support, admin/],
    [['--email', 'not-an-email', '--password', 'a long staff passphrase', '--role', 'support'], /is not an email address/],
  ])('refuses bad input with exit code 2 and one readable line: %j', async (args, message) => {
    const res = await tally('staff', 'create', ...args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
