#!/usr/bin/env node
// `npm run bench:portal`: the portal's hot endpoints under 1,000 concurrent connections with session cookies,
// against the built API (dist/) while a worker is busy analysing the 30-second bench video:
//   GET /v1/portal/jobs (the job list), GET /v1/jobs/{id} (status), GET /v1/jobs/{id}/report.
// Each connection is a signed-in portal user (BENCH_SESSIONS distinct sessions over BENCH_TENANTS tenants,
// handed out round-robin). Phases: mixed closed loop (stress), mixed paced (every connection polls every
// BENCH_POLL_SECONDS s, the realistic load), job list only (its heaviest query). Prints p50/p99 and errors.
// First it prints the report page's weight: its JS and CSS, raw and gzipped, from dist/portal.
// BENCH_CONNECTIONS (1000), BENCH_SECONDS (15), BENCH_SESSIONS (200), BENCH_TENANTS (4). `--weight-only`: weight only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { deployment, job, root, shared, upload, waitFor } from './service-lib.js';

function pageWeight() {
  const dir = path.join(root, 'dist', 'portal');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  // The report page is a lazy chunk of the entry: it is loaded with it on /jobs/{id}.
  const entryJs = entry.find((f) => f.endsWith('.js'));
  const lazy = [...readFileSync(path.join(dir, entryJs), 'utf8').matchAll(/["'`](?:\.\/|\/assets\/)?(report-[\w-]+\.js)["'`]/g)].map((m) => `/assets/${m[1]}`);
  const files = [...new Set([...entry, ...lazy])];
  let raw = 0;
  let gz = 0;
  console.log('report page weight (dist/portal):');
  for (const f of files) {
    const body = readFileSync(path.join(dir, f));
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    console.log(`  ${f.padEnd(36)} ${(body.length / 1024).toFixed(1).padStart(7)} KiB  gzip ${(z / 1024).toFixed(1).padStart(6)} KiB`);
  }
  console.log(`  ${'total JS + CSS'.padEnd(36)} ${(raw / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KiB`);
}

pageWeight();
if (process.argv.includes('--weight-only')) process.exit(0);

const connections = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const duration = Number(process.env.BENCH_SECONDS ?? 15);
const sessionCount = Number(process.env.BENCH_SESSIONS ?? 200);
const tenantCount = Number(process.env.BENCH_TENANTS ?? 4);
const pollSeconds = Number(process.env.BENCH_POLL_SECONDS ?? 2);
const PASSWORD = 'bench password 1234';
const d = deployment('bench_portal', { port: 3191, workerVars: { TALLY_INFERENCE_THREADS: '1' } });
const XRW = { 'X-Requested-With': 'tally-portal', 'Content-Type': 'application/json' };

async function post(pathname, body) {
  const res = await fetch(`${d.base}${pathname}`, { method: 'POST', headers: XRW, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return { body: await res.json(), cookie: res.headers.getSetCookie()[0].split(';')[0] };
}

try {
  await d.up();
  d.startWorker();
  // Portal users: one per tenant signs up (a tenant on the free plan, its API key), each with a finished job.
  const tenants = [];
  for (let i = 0; i < tenantCount; i++) {
    const email = `bench${i}@portal.example`;
    const { body } = await post('/v1/auth/signup', { email, password: PASSWORD, company: `Bench ${i}` });
    const done = await upload(d.base, body.apiKey, path.join(shared, 'videos', 'bus-pan-720p120-3s.mp4'), { stride: 8 });
    if (done.status !== 202) throw new Error(`upload: ${JSON.stringify(done.body)}`);
    tenants.push({ email, apiKey: body.apiKey, jobId: done.body.jobId });
  }
  for (const t of tenants) await waitFor(async () => (await job(d.base, t.apiKey, t.jobId)).status === 'succeeded');
  // Many signed-in sessions (each sign-in is a new session), 4 sign-ins at a time (scrypt is deliberately slow).
  const sessions = [];
  for (let i = 0; i < sessionCount; i += 4) {
    const batch = Array.from({ length: Math.min(4, sessionCount - i) }, (_, k) => tenants[(i + k) % tenantCount]);
    sessions.push(...(await Promise.all(batch.map(async (t) => ({ ...t, cookie: (await post('/v1/auth/signin', { email: t.email, password: PASSWORD })).cookie })))));
  }
  // Keeps the worker (and one of the two cores) busy for the whole run.
  const busy = await upload(d.base, tenants[0].apiKey, path.join(shared, 'videos', 'bench-1080p120-30s.mp4'), { stride: 1 });
  await waitFor(async () => (await job(d.base, tenants[0].apiKey, busy.body.jobId)).status === 'processing');

  let next = 0;
  const perClient = (only) => (client) => {
    const s = sessions[next++ % sessions.length];
    const headers = { Cookie: s.cookie };
    const all = [
      { method: 'GET', path: '/v1/portal/jobs?limit=20', headers },
      { method: 'GET', path: `/v1/jobs/${s.jobId}`, headers },
      { method: 'GET', path: `/v1/jobs/${s.jobId}/report`, headers },
    ];
    client.setRequests(only === 'list' ? [all[0]] : all);
  };
  const phases = [
    ['mixed (list, status, report), closed loop', 'mixed', {}],
    [`mixed, paced: each connection sends a request every ${pollSeconds} s`, 'mixed', { overallRate: Math.round(connections / pollSeconds) }],
    ['job list only, closed loop', 'list', {}],
  ];
  console.log(`\n${connections} connections, ${sessions.length} sessions over ${tenantCount} tenants, ${duration} s per phase`);
  for (const [name, only, extra] of phases) {
    next = 0;
    const result = await autocannon({ url: d.base, connections, duration, setupClient: perClient(only), requests: [{ method: 'GET', path: '/healthz' }], ...extra });
    const stillBusy = (await job(d.base, tenants[0].apiKey, busy.body.jobId)).status;
    const l = result.latency;
    console.log(`\n${name} (worker ${stillBusy})`);
    console.log(`requests     ${result.requests.total} (${result.requests.average.toFixed(0)}/s)`);
    console.log(`errors       ${result.errors} (timeouts ${result.timeouts}), non-2xx ${result.non2xx}`);
    console.log(`latency ms   p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`);
  }
} finally {
  await d.down();
}
