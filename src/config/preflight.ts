/**
 * Boot-time reachability checks for PostgreSQL and Redis. A failure becomes a ConfigError whose
 * message names the URL that failed and the variable to change, instead of a retry loop or a stack.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { ConfigError, type TallyEnv } from './env.js';

const TIMEOUT_MS = 5000;

/** The URL without its password, for messages. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const where = redactUrl(databaseUrl);
    if (e.code === '3D000') {
      const db = new URL(databaseUrl).pathname.slice(1);
      throw new ConfigError(`PostgreSQL at ${where} has no database "${db}": create it (createdb ${db}) or point DATABASE_URL at an existing one.`);
    }
    throw new ConfigError(`cannot reach PostgreSQL at ${where} (${e.code ?? e.message}): start PostgreSQL or set DATABASE_URL to a reachable server.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: { code?: string; message?: string } | undefined;
  redis.on('error', (err: { code?: string; message?: string }) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const e = cause ?? (err as { code?: string; message?: string });
    throw new ConfigError(`cannot reach Redis at ${redactUrl(redisUrl)} (${e.code ?? e.message}): start Redis or set REDIS_URL to a reachable server.`);
  } finally {
    redis.disconnect();
  }
}

/** Fails fast with a fix-it message when a dependency of the service is down. */
export async function preflight(env: Pick<TallyEnv, 'databaseUrl' | 'redisUrl'>): Promise<void> {
  await Promise.all([checkPostgres(env.databaseUrl), checkRedis(env.redisUrl)]);
}
