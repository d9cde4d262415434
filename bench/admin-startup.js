// Start-up time of the API process with and without the admin panel (TALLY_ADMIN_ENABLED), from spawning
// `node dist/src/main.js` to the first 200 from /healthz. Needs `npm run build`, Postgres and Redis.
//   node bench/admin-startup.js [runs=3]
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const runs = Number(process.argv[2] ?? 3);
const db = 'tally_bench_admin_startup';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${db}`);

async function startOnce(enabled, port) {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
      TALLY_QUEUE_PREFIX: 'tally_bench_admin_startup',
      TALLY_ROLE: 'api',
      TALLY_ADMIN_ENABLED: String(enabled),
      TALLY_SESSION_SECRET: 'x'.repeat(40),
      TALLY_LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (performance.now() - started > 60_000) throw new Error('no /healthz within 60 s');
      await sleep(20);
    }
    const ms = performance.now() - started;
    if (enabled) {
      const res = await fetch(`http://127.0.0.1:${port}/admin/login`);
      if (res.status !== 200) throw new Error(`/admin/login answered ${res.status}`);
    }
    return ms;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await startOnce(false, 3911); // first start migrates the database; not counted
const results = {};
for (const enabled of [false, true]) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(enabled, 3911 + i));
  results[enabled ? 'adminEnabled' : 'adminDisabled'] = { medianMs: Math.round(median(times)), runsMs: times.map(Math.round) };
}
await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
await admin.end();
process.stdout.write(`${JSON.stringify(results)}\n`);
