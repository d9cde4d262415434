import { type ChildProcess, spawn } from 'node:child_process';
import type { TallyEnv } from '../../src/config/env.js';
import { repoRoot } from './paths.js';

/** The variables that make a child process use the same database, queue and storage as `env`. */
export function envVars(env: TallyEnv, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    TALLY_QUEUE_PREFIX: env.queuePrefix,
    TALLY_STORAGE_DIR: env.storageDir,
    TALLY_MODEL_PATH: env.modelPath,
    TALLY_JOB_LOCK_SECONDS: String(env.jobLockSeconds),
    TALLY_LOG_LEVEL: 'warn',
    PORT: '0',
    ...extra,
  };
}

/**
 * Runs the real entry point (src/main.ts) as a separate process, from the TypeScript sources through
 * test/support/register-ts.mjs (swc), so no build is needed. Used to SIGKILL a worker mid-job.
 */
export function spawnWorker(vars: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', './test/support/register-ts.mjs', 'src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TALLY_ROLE: 'worker', ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return Object.assign(child, { output: () => output });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
