import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RetentionWorker } from '../../src/videos/retention.worker.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeVideo } from '../support/videos.js';

describe('source-video retention', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp('retention', { TALLY_VIDEO_RETENTION_HOURS: '24' });
    dir = await mkdtemp(path.join(tmpdir(), 'tally-retention-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes source files older than the retention once their jobs are finished, keeping the rows and reports', async () => {
    const { apiKey } = await t.createTenant('Keeper');
    const auth = { Authorization: `Bearer ${apiKey}` };
    const clip = await makeVideo(path.join(dir, 'c.mp4'), { seconds: 1, width: 64, height: 48, fps: 5 });
    const old = (await request(t.server).post('/v1/videos').set(auth).attach('file', clip).expect(202)).body;
    const recent = (await request(t.server).post('/v1/videos').set(auth).attach('file', clip).expect(202)).body;
    await t.db.query(`UPDATE videos SET created_at = now() - interval '25 hours' WHERE id = $1`, [old.videoId]);
    const fileOf = async (id: string) => path.join(t.env.storageDir, (await t.db.query('SELECT storage_key FROM videos WHERE id = $1', [id]))[0].storage_key);
    const retention = t.app.get(RetentionWorker);

    expect(await retention.runOnce()).toBe(0); // its job is still queued: the file is needed
    await request(t.server).post(`/v1/jobs/${old.jobId}/cancel`).set(auth).expect(200);
    expect(await retention.runOnce()).toBe(1);
    expect(existsSync(await fileOf(old.videoId))).toBe(false);
    expect(existsSync(await fileOf(recent.videoId))).toBe(true);
    const view = await request(t.server).get(`/v1/videos/${old.videoId}`).set(auth).expect(200);
    expect(view.body.sourceDeletedAt).toEqual(expect.any(String));
    expect(await retention.runOnce()).toBe(0);
  });
});
