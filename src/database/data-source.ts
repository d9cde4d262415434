/**
 * The one description of the database connection, used by the Nest app, the CLI (`tally migrate`)
 * and the typeorm CLI (cli-data-source.ts). Schema comes from migrations only: synchronize is off.
 */
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import type { TallyEnv } from '../config/env.js';
import { entities } from './entities.js';
import { SnakeNamingStrategy } from './naming.strategy.js';

export function dataSourceOptions(env: Pick<TallyEnv, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: env.databaseUrl,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    // A poll-heavy API: enough connections to keep 1,000 polling clients off the pool queue.
    extra: { max: 20, connectionTimeoutMillis: 10_000 },
  };
}

export function createDataSource(env: Pick<TallyEnv, 'databaseUrl'>): DataSource {
  return new DataSource(dataSourceOptions(env));
}

/** Arbitrary constant: one advisory lock so that api and worker processes starting together migrate once. */
const MIGRATION_LOCK = 73_016_641;

/** Runs pending migrations under a Postgres advisory lock; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
