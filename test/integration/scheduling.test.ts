import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadEnv, type TallyEnv } from '../../src/config/env.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { cleanupEnv, startApp, testEnv, waitFor } from '../support/app.js';
import { envVars } from '../support/child-worker.js';
import { sharedVideo } from '../support/paths.js';
import { makeVideo } from '../support/videos.js';

describe('scheduling and cancel', () => {
  let env: TallyEnv;
  let api: INestApplication;
  let worker: INestApplication | undefined;
  let db: DataSource;
  let dir: string;
  let tiny: string;

  beforeAll(async () => {
    env = await testEnv('scheduling');
    api = await startApp(env); // submissions only; the worker starts later
    db = api.get(DataSource);
    dir = await mkdtemp(path.join(tmpdir(), 'tally-sched-'));
    tiny = await makeVideo(path.join(dir, 'tiny.mp4'), { seconds: 1, width: 64, height: 48, fps: 4 });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    if (env) await cleanupEnv(env);
    await rm(dir, { recursive: true, force: true });
  });

  const submit = (key: string, file = tiny, stride = '1') =>
    request(api.getHttpServer()).post('/v1/videos').set('Authorization', `Bearer ${key}`).field('stride', stride).attach('file', file).expect(202);

  it('one tenant with 12 queued videos does not starve another: jobs run round-robin across tenants', async () => {
    const tenants = api.get(TenantsService);
    const a = await tenants.create('Big', 'pro', { maxConcurrentJobs: 50 });
    const b = await tenants.create('Small', 'pro');
    const owner = new Map<string, string>();
    for (let i = 1; i <= 12; i++) owner.set((await submit(a.apiKey)).body.jobId, `A${i}`);
    for (let i = 1; i <= 2; i++) owner.set((await submit(b.apiKey)).body.jobId, `B${i}`);

    // Only now does a worker (concurrency 1) start: the order it takes jobs in is the scheduling order.
    worker = await startApp(loadEnv({ ...envVars(env), TALLY_ROLE: 'worker', TALLY_WORKER_CONCURRENCY: '1', TALLY_LOG_LEVEL: 'silent', TALLY_INFERENCE_THREADS: '2' }));
    await waitFor(async () => {
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE status = 'succeeded'`);
      return n === 14 ? true : undefined;
    }, 120_000);
    const rows: { id: string }[] = await db.query('SELECT id FROM jobs ORDER BY started_at');
    const order = rows.map((r) => owner.get(r.id));
    expect(order.slice(0, 5)).toEqual(['A1', 'B1', 'A2', 'B2', 'A3']);
    expect(order.slice(5)).toEqual(['A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'A11', 'A12']);
  });

  it('cancels a queued job (removed from the queue) and a running one (the analysis is aborted)', async () => {
    await worker?.close();
    worker = undefined;
    const { apiKey } = await api.get(TenantsService).create('Canceller', 'pro');
    const auth = { Authorization: `Bearer ${apiKey}` };
    const queued = (await submit(apiKey)).body.jobId as string;
    const res = await request(api.getHttpServer()).post(`/v1/jobs/${queued}/cancel`).set(auth).expect(200);
    expect(res.body).toMatchObject({ id: queued, status: 'canceled' });
    const queue = api.get<Queue>('BullQueue_analysis');
    expect(await queue.getJob(queued)).toBeNull();
    const again = await request(api.getHttpServer()).post(`/v1/jobs/${queued}/cancel`).set(auth).expect(409);
    expect(again.body.error.code).toBe('not_cancelable');

    worker = await startApp(loadEnv({ ...envVars(env), TALLY_ROLE: 'worker', TALLY_LOG_LEVEL: 'silent', TALLY_INFERENCE_THREADS: '1' }));
    const running = (await submit(apiKey, sharedVideo('bus-pan-720p120-3s.mp4'), '1')).body.jobId as string;
    await waitFor(async () => {
      const [row] = await db.query('SELECT status, progress FROM jobs WHERE id = $1', [running]);
      return row.status === 'processing' && row.progress > 0 ? true : undefined;
    }, 60_000);
    const canceledAt = Date.now();
    await request(api.getHttpServer()).post(`/v1/jobs/${running}/cancel`).set(auth).expect(200);
    // The worker's run ends at once (its Bull job completes right after the cancel, long before the
    // full analysis of 360 frames could), and the worker is free for the next job.
    const runEnd = await waitFor(async () => (await queue.getJob(running))?.finishedOn ?? undefined, 30_000);
    expect(runEnd - canceledAt).toBeLessThan(5000);
    const next = (await submit(apiKey)).body.jobId as string;
    await waitFor(async () => {
      const [row] = await db.query('SELECT status FROM jobs WHERE id = $1', [next]);
      return row.status === 'succeeded' ? true : undefined;
    }, 60_000);
    const [row] = await db.query('SELECT status, progress FROM jobs WHERE id = $1', [running]);
    expect(row.status).toBe('canceled');
    expect(row.progress).toBeLessThan(1);
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM reports WHERE job_id = $1', [running]);
    expect(n).toBe(0);
  });
});
