import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { TALLY_ENV } from '../../src/config/config.module.js';
import { loadEnv, type TallyEnv } from '../../src/config/env.js';
import type { QuotaOverrides } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { createTestDatabase, dropTestDatabase } from './database.js';
import { modelPath } from './paths.js';
import { clearRedisPrefix } from './redis.js';

export interface TestApp {
  app: INestApplication;
  env: TallyEnv;
  db: DataSource;
  /** The HTTP server, for supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  createTenant(name?: string, plan?: string, overrides?: QuotaOverrides): Promise<{ tenantId: string; apiKey: string }>;
  close(): Promise<void>;
}

/** The environment of test file `name`: its own database, Bull prefix and storage directory. */
export async function testEnv(name: string, vars: Record<string, string> = {}): Promise<TallyEnv> {
  const databaseUrl = await createTestDatabase(name);
  const prefix = `tally_test_${name}`;
  await clearRedisPrefix(prefix);
  const storageDir = await mkdtemp(path.join(tmpdir(), `tally-${name}-`));
  return loadEnv({
    DATABASE_URL: databaseUrl,
    TALLY_QUEUE_PREFIX: prefix,
    TALLY_STORAGE_DIR: storageDir,
    TALLY_LOG_LEVEL: 'silent',
    TALLY_MODEL_PATH: modelPath,
    TALLY_ROLE: 'api',
    TALLY_JOB_LOCK_SECONDS: '5',
    TALLY_SHUTDOWN_GRACE_SECONDS: '5',
    TALLY_RATE_LIMIT_PER_MINUTE: '100000',
    // AdminJS costs seconds to load: only the admin tests turn it on.
    TALLY_ADMIN_ENABLED: 'false',
    ...vars,
  });
}

/** Boots the whole AppModule on the given environment (a real Postgres, Redis, ffmpeg, model). */
export async function startApp(env: TallyEnv): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).overrideProvider(TALLY_ENV).useValue(env).compile();
  const app = moduleRef.createNestApplication({ logger: false, rawBody: true }); // rawBody: Stripe webhook signatures
  configureApp(app);
  await app.init();
  return app;
}

/** Wipes what testEnv created. */
export async function cleanupEnv(env: TallyEnv): Promise<void> {
  await dropTestDatabase(env.databaseUrl);
  await clearRedisPrefix(env.queuePrefix);
  await rm(env.storageDir, { recursive: true, force: true });
}

export async function startTestApp(name: string, vars: Record<string, string> = {}): Promise<TestApp> {
  const env = await testEnv(name, vars);
  const app = await startApp(env).catch(async (err: unknown) => {
    await cleanupEnv(env); // a failed boot leaves no database, keys or directory behind
    throw err;
  });
  const tenants = app.get(TenantsService);
  return {
    app,
    env,
    db: app.get(DataSource),
    server: app.getHttpServer(),
    createTenant: (tenantName = 'Acme', plan = 'pro', overrides = {}) => tenants.create(tenantName, plan, overrides),
    close: async () => {
      await app.close();
      await cleanupEnv(env);
    },
  };
}

/** Polls until check() returns a value other than undefined (or throws after timeoutMs). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
