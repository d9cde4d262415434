#!/usr/bin/env node
// `npm run bench:load`: 1,000 concurrent connections polling job status and reports (autocannon) against
// the built API while a worker is busy analysing the 30-second bench video. Prints errors, p50, p99 for
//   1. closed loop: every connection sends its next request as soon as the last one is answered (stress);
//   2. paced: the same connections as users who poll every BENCH_POLL_SECONDS (2) s (the realistic load).
// BENCH_CONNECTIONS (1000) and BENCH_SECONDS (20) change the load.
import path from 'node:path';
import autocannon from 'autocannon';
import { deployment, job, shared, upload, waitFor } from './service-lib.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const duration = Number(process.env.BENCH_SECONDS ?? 20);
const d = deployment('bench_load', { workerVars: { TALLY_INFERENCE_THREADS: '1' } });

try {
  await d.up();
  d.startWorker();
  const { apiKey } = d.tenant('enterprise');
  const done = await upload(d.base, apiKey, path.join(shared, 'videos', 'bus-pan-720p120-3s.mp4'), { stride: 8 });
  await waitFor(async () => (await job(d.base, apiKey, done.body.jobId)).status === 'succeeded');
  // Keeps the worker (and one of the two cores) busy for the whole run.
  const busy = await upload(d.base, apiKey, path.join(shared, 'videos', 'bench-1080p120-30s.mp4'), { stride: 1 });
  await waitFor(async () => (await job(d.base, apiKey, busy.body.jobId)).status === 'processing');

  const headers = { Authorization: `Bearer ${apiKey}` };
  const requests = [
    { method: 'GET', path: `/v1/jobs/${done.body.jobId}`, headers },
    { method: 'GET', path: `/v1/jobs/${busy.body.jobId}`, headers },
    { method: 'GET', path: `/v1/jobs/${done.body.jobId}/report`, headers },
  ];
  const pollSeconds = Number(process.env.BENCH_POLL_SECONDS ?? 2);
  const phases = [
    ['closed loop', {}],
    [`paced, each connection polls every ${pollSeconds} s`, { overallRate: Math.round(connections / pollSeconds) }],
  ];
  for (const [name, extra] of phases) {
    const result = await autocannon({ url: d.base, connections, duration, requests, ...extra });
    const stillBusy = (await job(d.base, apiKey, busy.body.jobId)).status;
    const l = result.latency;
    console.log(`\n${name}: ${connections} connections, ${duration} s, status + report polling while the worker was ${stillBusy}`);
    console.log(`requests     ${result.requests.total} (${result.requests.average.toFixed(0)}/s)`);
    console.log(`errors       ${result.errors} (timeouts ${result.timeouts}), non-2xx ${result.non2xx}`);
    console.log(`latency ms   p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`);
  }
} finally {
  await d.down();
}
