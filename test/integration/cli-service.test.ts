import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { hashApiKey } from '../../src/auth/api-key.js';
import { runCliProcess } from '../support/cli.js';
import { dropTestDatabase } from '../support/database.js';

const DB_URL = 'postgres://postgres@127.0.0.1:5432/tally_test_cli_service';

const tally = (...args: string[]) => runCliProcess(DB_URL, ...args);

describe('tally migrate / tally tenant create', () => {
  beforeAll(async () => dropTestDatabase(DB_URL));
  afterAll(async () => dropTestDatabase(DB_URL));

  it('migrate creates the database and applies the migrations, once', async () => {
    const first = await tally('migrate');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).applied.slice(0, 2)).toEqual(['InitialSchema1795899000000', 'SeedPlans1795899000001']); // later issues append theirs
    const again = await tally('migrate');
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });
  });

  it('tenant create prints the tenant id and an API key that is stored only as a hash', async () => {
    const res = await tally('tenant', 'create', '--name', 'Acme Films', '--plan', 'pro');
    expect(res.code).toBe(0);
    const { tenantId, apiKey } = JSON.parse(res.stdout);
    const client = new pg.Client({ connectionString: DB_URL });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT t.name, t.plan_id, k.hash FROM tenants t JOIN api_keys k ON k.tenant_id = t.id WHERE t.id = $1', [tenantId]);
      expect(rows).toEqual([{ name: 'Acme Films', plan_id: 'pro', hash: hashApiKey(apiKey) }]);
    } finally {
      await client.end();
    }
  });

  it('an unknown plan is a usage error (exit 2) with one readable line', async () => {
    const res = await tally('tenant', 'create', '--name', 'X', '--plan', 'platinum');
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe('tally: unknown plan "platinum": use one of enterprise, free, pro');
  });
});
