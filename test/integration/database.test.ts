import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../src/database/data-source.js';
import { migrations } from '../../migrations/index.js';
import { Plan } from '../../src/plans/plan.entity.js';
import { createTestDatabase, dropTestDatabase } from '../support/database.js';

/** Every migration, in order, as TypeORM names them. */
const ALL = migrations.map((m) => m.name);

describe('database migrations', () => {
  let url: string;
  let ds: DataSource;
  beforeAll(async () => {
    url = await createTestDatabase('database');
    ds = await createDataSource({ databaseUrl: url }).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropTestDatabase(url);
  });

  it('creates the schema and seeds the plans, and a second run applies nothing', async () => {
    const first = await runMigrations(ds);
    expect(first).toEqual(ALL);
    expect(first.slice(0, 2)).toEqual(['InitialSchema1795899000000', 'SeedPlans1795899000001']);
    const plans = await ds.getRepository(Plan).find({ order: { maxConcurrentJobs: 'ASC' } });
    expect(plans.map((p) => p.id)).toEqual(['free', 'pro', 'enterprise']);
    expect(plans[0].maxFileSizeBytes).toBe(200 * 1024 * 1024);
    expect(plans[2].maxVideoMinutesPerMonth).toBeNull();
    expect(await runMigrations(ds)).toEqual([]);
  });

  it('two processes migrating at once apply each migration once', async () => {
    const other = await createTestDatabase('database_race');
    const a = await createDataSource({ databaseUrl: other }).initialize();
    const b = await createDataSource({ databaseUrl: other }).initialize();
    try {
      const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
      expect([...ra, ...rb].sort()).toEqual([...ALL].sort());
    } finally {
      await a.destroy();
      await b.destroy();
      await dropTestDatabase(other);
    }
  });
});
