import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { TallyEnv } from '../../src/config/env.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { cleanupEnv, startApp, testEnv, waitFor } from '../support/app.js';
import { envVars, exited, spawnWorker } from '../support/child-worker.js';
import { sharedVideo } from '../support/paths.js';

/**
 * A worker process is killed with SIGKILL in the middle of a job. Its Bull lock (TALLY_JOB_LOCK_SECONDS=3)
 * expires, a second worker's stalled-job check puts the job back, and it runs to the end once.
 */
describe('a worker killed mid-job', () => {
  let env: TallyEnv;
  let api: INestApplication;
  let db: DataSource;
  const children: ReturnType<typeof spawnWorker>[] = [];

  beforeAll(async () => {
    env = await testEnv('worker_crash', { TALLY_JOB_LOCK_SECONDS: '3' });
    api = await startApp(env); // api role: this process never runs jobs
    db = api.get(DataSource);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await api?.close();
    if (env) await cleanupEnv(env);
  });

  const jobRow = async (id: string) => (await db.query('SELECT status, progress, attempts, worker_id FROM jobs WHERE id = $1', [id]))[0];

  it('is retried by another worker and succeeds, exactly once', async () => {
    const { apiKey } = await api.get(TenantsService).create('Crashy', 'pro');
    const res = await request(api.getHttpServer())
      .post('/v1/videos')
      .set('Authorization', `Bearer ${apiKey}`)
      .field('stride', '2')
      .attach('file', sharedVideo('bus-pan-720p120-3s.mp4'))
      .expect(202);
    const jobId: string = res.body.jobId;

    const first = spawnWorker(envVars(env, { TALLY_INFERENCE_THREADS: '1' }));
    children.push(first);
    const running = await waitFor(async () => {
      const row = await jobRow(jobId);
      return row.status === 'processing' && row.progress > 0 ? row : undefined;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}; worker output:\n${first.output()}`);
    });
    expect(running.worker_id).toContain(String(first.pid));
    first.kill('SIGKILL');
    await exited(first);

    const second = spawnWorker(envVars(env, { TALLY_INFERENCE_THREADS: '1' }));
    children.push(second);
    const done = await waitFor(async () => {
      const row = await jobRow(jobId);
      return ['succeeded', 'failed'].includes(row.status) ? row : undefined;
    }, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}; worker output:\n${second.output()}`);
    });
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, attempts: 2 });
    expect(done.worker_id).toContain(String(second.pid));
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM reports WHERE job_id = $1', [jobId]);
    expect(n).toBe(1);
    const queue = api.get<Queue>('BullQueue_analysis');
    expect(await queue.getJobCounts()).toMatchObject({ completed: 1, failed: 0, active: 0, waiting: 0 });
    second.kill('SIGTERM');
    await exited(second);
  });

  it('a worker stopped with SIGTERM past its grace period hands its job back to the queue', async () => {
    const { apiKey } = await api.get(TenantsService).create('Rolling deploy', 'pro');
    const res = await request(api.getHttpServer()).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).field('stride', '2').attach('file', sharedVideo('bus-pan-720p120-3s.mp4')).expect(202);
    const jobId: string = res.body.jobId;
    const worker = spawnWorker(envVars(env, { TALLY_INFERENCE_THREADS: '1', TALLY_SHUTDOWN_GRACE_SECONDS: '0' }));
    children.push(worker);
    await waitFor(async () => {
      const row = await jobRow(jobId);
      return row.status === 'processing' && row.progress > 0 ? row : undefined;
    }, 90_000);
    worker.kill('SIGTERM');
    const exit = await exited(worker);
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true); // Nest re-raises the signal once closed
    expect(worker.output()).toMatch(/handing back 1 running job/);
    expect(await jobRow(jobId)).toMatchObject({ status: 'queued', attempts: 1 });
    const bullJob = await api.get<Queue>('BullQueue_analysis').getJob(jobId);
    expect(['delayed', 'waiting']).toContain(await bullJob?.getState());
  });
});
