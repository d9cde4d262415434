/**
 * Redis with a password, as the main VM runs it when a GPU worker pool reaches it over the network
 * (docker/compose.shared-data.yml): a real redis-server started here with --requirepass; the whole app
 * (Bull queues, pub/sub events, rate limits) works through REDIS_URL=redis://:<password>@host:port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, waitFor, type TestApp } from '../support/app.js';
import { freePort } from '../support/browser.js';
import { sharedVideo } from '../support/paths.js';

const PASSWORD = 'pool-redis-password-123';
let redis: ChildProcess;
let port: number;
let t: TestApp;

beforeAll(async () => {
  port = await freePort();
  redis = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  t = await startTestApp('redis_auth', { TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '2', REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` });
}, 60_000);
afterAll(async () => {
  await t?.close();
  redis?.kill();
});

it('runs a job end to end through a password-protected Redis', async () => {
  const { apiKey } = await t.createTenant('Pooled');
  const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).field('stride', '8').attach('file', sharedVideo('bus-pan-720p120-3s.mp4')).expect(202);
  await waitFor(async () => {
    const r = await request(t.server).get(`/v1/jobs/${res.body.jobId}`).set('Authorization', `Bearer ${apiKey}`).expect(200);
    return r.body.status === 'succeeded' ? r.body : undefined;
  }, 120_000);
  const report = await request(t.server).get(`/v1/jobs/${res.body.jobId}/report`).set('Authorization', `Bearer ${apiKey}`).expect(200);
  expect(report.body.counts.bus).toBe(1);
  const ready = await request(t.server).get('/readyz').expect(200);
  expect(ready.body.details.redis.status).toBe('up');
}, 150_000);
