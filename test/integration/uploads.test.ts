import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { makeAudioOnly, makeVideo, truncate } from '../support/videos.js';

/** A multipart body written by hand: supertest's form-data strips directories from file names. */
function rawUpload(req: request.Test, fileName: string, content: Buffer): request.Test {
  const boundary = 'tally-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: video/mp4\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return req.set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
}

/** Files under the storage root (tmp/ holds in-flight uploads only). */
async function storedFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('POST /v1/videos: bad input is refused, and nothing is stored or queued', () => {
  let t: TestApp;
  let key: string;
  let dir: string;
  let video: string;

  beforeAll(async () => {
    t = await startTestApp('uploads');
    ({ apiKey: key } = await t.createTenant('Uploader', 'pro', { maxFileSizeBytes: 200_000, maxDurationSec: 3 }));
    dir = await mkdtemp(path.join(tmpdir(), 'tally-uploads-test-'));
    video = await makeVideo(path.join(dir, 'ok.mp4'), { seconds: 1 });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = () => request(t.server).post('/v1/videos').set('Authorization', `Bearer ${key}`);

  async function expectNothingKept(): Promise<void> {
    expect(await storedFiles(t.env.storageDir)).toEqual([]);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM jobs');
    expect(n).toBe(0);
    const [{ v }] = await t.db.query('SELECT count(*)::int AS v FROM videos');
    expect(v).toBe(0);
  }

  it.each([
    ['no file', () => post().field('stride', '8'), 400, 'file_missing'],
    ['an empty file', () => post().attach('file', Buffer.alloc(0), 'empty.mp4'), 400, 'file_empty'],
    ['a text file', () => post().attach('file', Buffer.from('just some text\n'.repeat(100)), { filename: 'notes.mp4', contentType: 'video/mp4' }), 422, 'not_a_video'],
    ['a path-traversal file name', () => rawUpload(post(), '../../etc/passwd.mp4', readFileSync(video)), 400, 'invalid_file_name'],
    ['a JSON body', () => post().send({ file: 'x' }), 415, 'unsupported_media_type'],
    ['a text/plain file part', () => post().attach('file', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' }), 415, 'unsupported_media_type'],
    ['a bad stride', () => post().field('stride', '0').attach('file', video), 400, 'validation_failed'],
    ['a non-http callback URL', () => post().field('callbackUrl', 'file:///etc/passwd').attach('file', video), 400, 'validation_failed'],
  ])('%s', async (_what, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    await expectNothingKept();
  });

  it('a truncated MP4 → 422', async () => {
    const cut = await truncate(video, path.join(dir, 'cut.mp4'), 2000);
    const res = await post().attach('file', cut);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/./);
    await expectNothingKept();
  });

  it('audio only → 422 no_video_stream', async () => {
    const audio = await makeAudioOnly(path.join(dir, 'tone.m4a'));
    const res = await post().attach('file', audio, { filename: 'tone.m4a', contentType: 'video/mp4' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_video_stream');
    await expectNothingKept();
  });

  it('over the size limit → 413 naming the limit', async () => {
    const big = path.join(dir, 'big.mp4');
    await writeFile(big, Buffer.alloc(300_000, 1));
    const res = await post().attach('file', big);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'file_too_large', message: expect.stringMatching(/max file size/) });
    await expectNothingKept();
  });

  it('over the duration limit → 413 naming the limit', async () => {
    const long = await makeVideo(path.join(dir, 'long.mp4'), { seconds: 4, width: 64, height: 48, fps: 5 });
    const res = await post().attach('file', long);
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'duration_too_long', message: expect.stringMatching(/max duration/) });
    await expectNothingKept();
  });

  it('a missing or unknown API key → 401', async () => {
    const none = await request(t.server).post('/v1/videos').attach('file', video);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await request(t.server).post('/v1/videos').set('Authorization', 'Bearer tly_nope').attach('file', video);
    expect(wrong.status).toBe(401);
    await expectNothingKept();
  });

  it('a good video → 202, stored under tenants/{tenant}/videos/{video}, queued once; replaying its Idempotency-Key → the same job', async () => {
    const first = await post().set('Idempotency-Key', 'upload-1').field('stride', '8').attach('file', video, 'clip one.mp4');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ jobId: expect.any(String), videoId: expect.any(String), status: 'queued' });
    const again = await post().set('Idempotency-Key', 'upload-1').field('stride', '8').attach('file', video, 'clip one.mp4');
    expect(again.status).toBe(202);
    expect(again.body.jobId).toBe(first.body.jobId);
    const files = await storedFiles(t.env.storageDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`tenants/[0-9a-f-]{36}/videos/${first.body.videoId}$`));
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM jobs');
    expect(n).toBe(1);
    const job = await request(t.server).get(`/v1/jobs/${first.body.jobId}`).set('Authorization', `Bearer ${key}`).expect(200);
    expect(job.body).toMatchObject({ id: first.body.jobId, status: 'queued', progress: 0, options: { stride: 8 } });
  });
});
