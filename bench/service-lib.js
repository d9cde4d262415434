// Shared by bench/load.js and bench/burst.js: a throwaway deployment of the built service (dist/) on this
// machine — its own database and Bull prefix, an API process and a worker process — and a few API helpers.
import { spawn, spawnSync } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const shared = process.env.TALLY_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const main = path.join(root, 'dist', 'src', 'main.js');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

export function deployment(name, { port = 3190, workerVars = {}, apiVars = {} } = {}) {
  const storageDir = mkdtempSync(path.join(tmpdir(), `tally-${name}-`));
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/tally_${name}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    TALLY_QUEUE_PREFIX: `tally_${name}`,
    TALLY_STORAGE_DIR: storageDir,
    TALLY_MODEL_PATH: process.env.TALLY_MODEL_PATH ?? path.join(shared, 'models', 'yolov5n.onnx'),
    TALLY_LOG_LEVEL: 'warn',
    TALLY_RATE_LIMIT_PER_MINUTE: '10000000',
    TALLY_ADMIN_ENABLED: 'false', // the staff panel is not on the measured path (and needs its bundle built)
  };
  const children = [];
  const tally = (...args) => {
    const res = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`tally ${args.join(' ')}: ${res.stderr}`);
    return res.stdout.trim().split('\n').at(-1);
  };
  const start = (role, vars, nice = 0) => {
    // BENCH_WORKER_NICE: run the worker at a lower CPU priority, as on a host shared with the API.
    const [cmd, args] = nice ? ['nice', ['-n', String(nice), process.execPath, main]] : [process.execPath, [main]];
    const child = spawn(cmd, args, { env: { ...env, TALLY_ROLE: role, ...vars }, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(child);
    return child;
  };
  return {
    env,
    base: `http://127.0.0.1:${port}`,
    async up() {
      spawnSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', `tally_${name}`]);
      spawnSync('sh', ['-c', `redis-cli --scan --pattern 'tally_${name}:*' | xargs -r redis-cli del > /dev/null`]);
      tally('migrate');
      start('api', { PORT: String(port), ...apiVars });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok);
    },
    startWorker(vars = {}) {
      return start('worker', { PORT: '0', TALLY_MIGRATE_ON_START: 'false', ...workerVars, ...vars }, Number(process.env.BENCH_WORKER_NICE ?? 0));
    },
    tenant(plan = 'enterprise') {
      return JSON.parse(tally('tenant', 'create', '--name', `bench ${name}`, '--plan', plan));
    },
    async down() {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
      spawnSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', `tally_${name}`]);
      spawnSync('sh', ['-c', `redis-cli --scan --pattern 'tally_${name}:*' | xargs -r redis-cli del > /dev/null`]);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(check, timeoutMs = 600_000, intervalMs = 200) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function upload(base, apiKey, file, fields = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, String(v));
  form.set('file', await openAsBlob(file, { type: 'video/mp4' }), path.basename(file));
  const res = await fetch(`${base}/v1/videos`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}` }, body: form });
  return { status: res.status, body: await res.json() };
}

export async function job(base, apiKey, id) {
  const res = await fetch(`${base}/v1/jobs/${id}`, { headers: { Authorization: `Bearer ${apiKey}` } });
  return res.json();
}
