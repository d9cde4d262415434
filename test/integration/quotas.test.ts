import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeVideo } from '../support/videos.js';

describe('quotas', () => {
  let t: TestApp;
  let dir: string;
  let video: string;

  beforeAll(async () => {
    t = await startTestApp('quotas'); // api role: nothing is processed, so admitted jobs stay queued
    dir = await mkdtemp(path.join(tmpdir(), 'tally-quotas-'));
    video = await makeVideo(path.join(dir, 'tiny.mp4'), { seconds: 1, width: 64, height: 48, fps: 5 });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('100 parallel uploads against a concurrency quota of 10 admit exactly 10; the rest get 429 with Retry-After', async () => {
    const { tenantId, apiKey } = await t.createTenant('Busy', 'pro', { maxConcurrentJobs: 10 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).field('stride', '8').attach('file', video)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.error).toEqual({ code: 'concurrent_jobs_limit', message: expect.stringMatching(/max concurrent jobs: 10/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const [{ jobs, videos }] = await t.db.query(
      'SELECT (SELECT count(*)::int FROM jobs WHERE tenant_id = $1) AS jobs, (SELECT count(*)::int FROM videos WHERE tenant_id = $1) AS videos',
      [tenantId],
    );
    expect({ jobs, videos }).toEqual({ jobs: 10, videos: 10 });
    const queue = t.app.get<import('bull').Queue>('BullQueue_analysis');
    expect(await queue.count()).toBe(10);
  });

  it('video-minutes per month: a video that would pass the cap → 429 naming the limit', async () => {
    const { apiKey } = await t.createTenant('Monthly', 'pro', { maxVideoMinutesPerMonth: 0 });
    const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).attach('file', video);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('monthly_minutes_limit');
    expect(res.body.error.message).toMatch(/video-minutes per month/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a revoked API key → 401, and a suspended tenant → 403', async () => {
    const { tenantId, apiKey } = await t.createTenant('Leaver');
    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1', [tenantId]);
    const res = await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${apiKey}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('api_key_revoked');
    const other = await t.createTenant('Suspended');
    await t.db.query(`UPDATE tenants SET status = 'suspended' WHERE id = $1`, [other.tenantId]);
    const blocked = await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${other.apiKey}`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('tenant_suspended');
  });
});
