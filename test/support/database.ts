import pg from 'pg';

const ADMIN_URL = process.env.TALLY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database for one test file: `tally_test_<name>`. Returns its URL. */
export async function createTestDatabase(name: string): Promise<string> {
  const db = `tally_test_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${db}`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${db}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const db = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
