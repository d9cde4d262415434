#!/usr/bin/env node
// `npm run bench:burst`: 100 videos submitted at once. Times how long until every upload is accepted or
// refused, then how long one CPU worker (concurrency 1) takes to the last report, and extrapolates.
// BENCH_CLIP (default: the first second of the bus clip), BENCH_STRIDE (8), BENCH_VIDEOS (100).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deployment, job, shared, upload, waitFor } from './service-lib.js';

const n = Number(process.env.BENCH_VIDEOS ?? 100);
const stride = Number(process.env.BENCH_STRIDE ?? 8);
const dir = mkdtempSync(path.join(tmpdir(), 'tally-burst-'));
const clip = process.env.BENCH_CLIP ?? path.join(dir, 'clip.mp4');
if (!process.env.BENCH_CLIP) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path.join(shared, 'videos', 'bus-pan-720p120-3s.mp4'), '-t', '1', '-c', 'copy', clip]);
}
const d = deployment('bench_burst', { port: 3191 });

try {
  await d.up();
  const big = d.tenant('enterprise'); // 100 concurrent jobs allowed
  const small = d.tenant('pro'); // 10 concurrent jobs allowed

  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: n }, () => upload(d.base, big.apiKey, clip, { stride })));
  const acceptMs = performance.now() - t0;
  const accepted = results.filter((r) => r.status === 202);
  console.log(`${n} uploads at once (enterprise): ${accepted.length} accepted, ${n - accepted.length} refused, all answered in ${(acceptMs / 1000).toFixed(2)} s`);

  const t1 = performance.now();
  const capped = await Promise.all(Array.from({ length: n }, () => upload(d.base, small.apiKey, clip, { stride })));
  const byStatus = {};
  for (const r of capped) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  console.log(`${n} uploads at once (pro, 10 concurrent): ${Object.entries(byStatus).map(([s, count]) => `${count}×${s}`).join(', ')} in ${((performance.now() - t1) / 1000).toFixed(2)} s`);

  // Only the enterprise burst is timed through the worker: the pro tenant's admitted jobs are canceled.
  for (const r of capped.filter((c) => c.status === 202)) {
    await fetch(`${d.base}/v1/jobs/${r.body.jobId}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${small.apiKey}` } });
  }

  const t2 = performance.now();
  d.startWorker({ TALLY_WORKER_CONCURRENCY: '1', TALLY_INFERENCE_THREADS: '2' });
  const ids = accepted.map((r) => r.body.jobId);
  await waitFor(async () => {
    const states = await Promise.all(ids.map((id) => job(d.base, big.apiKey, id)));
    return states.every((s) => s.status === 'succeeded');
  }, 3_600_000, 1000);
  const drainMs = performance.now() - t2;
  const done = await Promise.all(ids.map((id) => job(d.base, big.apiKey, id)));
  const frames = done.reduce((sum, j) => sum + j.timings.framesAnalysed, 0);
  const walls = done.map((j) => j.timings.wallMs).sort((a, b) => a - b);
  const fps = frames / (drainMs / 1000);
  console.log(`one CPU worker: last of ${ids.length} reports after ${(drainMs / 1000).toFixed(1)} s (incl. model load); ${frames} frames analysed, ${fps.toFixed(1)} frames/s overall`);
  console.log(`per job: analysis wall median ${walls[walls.length >> 1]} ms, p90 ${walls[Math.floor(walls.length * 0.9)]} ms, pipeline fps median ${done.map((j) => j.timings.fps).sort((a, b) => a - b)[done.length >> 1].toFixed(1)}`);
  const seedFrames = 100 * 30 * 120; // 100 videos of 30 s at 120 fps, every frame
  console.log(`seed workload (100 × 30 s × 120 fps = ${seedFrames} frames) at this rate: ${(seedFrames / fps / 60).toFixed(0)} min at stride 1, ${(seedFrames / 4 / fps / 60).toFixed(0)} min at stride 4`);
} finally {
  await d.down();
  rmSync(dir, { recursive: true, force: true });
}
