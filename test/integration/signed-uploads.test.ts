import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeGcs, type FakeGcs } from '../support/fake-gcs.js';
import { makeVideo } from '../support/videos.js';

let dir: string;
let video: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tally-signed-'));
  video = await makeVideo(path.join(dir, 'clip.mp4'), { seconds: 1, width: 64, height: 48, fps: 5 });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('signed-URL uploads with local storage (the API serves the PUT URL)', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp('signed_local');
    auth = { Authorization: `Bearer ${(await t.createTenant('Direct')).apiKey}` };
  });
  afterAll(async () => t?.close());

  const start = async () => (await request(t.server).post('/v1/uploads').set(auth).send({ fileName: 'clip.mp4', stride: 8 }).expect(201)).body;
  const pathOf = (url: string) => url.slice(t.env.publicUrl.length);

  it('PUT then complete queues a job; completing twice gives the same job', async () => {
    const upload = await start();
    expect(upload).toMatchObject({ uploadId: expect.any(String), method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' } });
    expect(upload.url.startsWith(`${t.env.publicUrl}/v1/uploads/${upload.uploadId}/content?token=`)).toBe(true);
    await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(auth).expect(409);
    await request(t.server).put(pathOf(upload.url)).set(upload.headers).send(readFileSync(video)).expect(200);
    const done = await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(auth).expect(202);
    expect(done.body).toMatchObject({ jobId: expect.any(String), status: 'queued' });
    const again = await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(auth).expect(202);
    expect(again.body.jobId).toBe(done.body.jobId);
    const job = await request(t.server).get(`/v1/jobs/${done.body.jobId}`).set(auth).expect(200);
    expect(job.body.options).toEqual({ stride: 8 });
  });

  it('a wrong token is a 404; a file that is not a video is refused at complete and deleted', async () => {
    const upload = await start();
    const bad = pathOf(upload.url).replace(/token=.*/, 'token=nope');
    expect((await request(t.server).put(bad).send(Buffer.from('x')).expect(404)).body.error.code).toBe('not_found');
    await request(t.server).put(pathOf(upload.url)).set(upload.headers).send(Buffer.from('not a video at all')).expect(200);
    const res = await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(auth).expect(422);
    expect(res.body.error.code).toBeDefined();
    const [row] = await t.db.query('SELECT storage_key FROM uploads WHERE id = $1', [upload.uploadId]);
    expect(existsSync(path.join(t.env.storageDir, row.storage_key))).toBe(false);
  });

  it("another tenant cannot complete someone else's upload", async () => {
    const upload = await start();
    const other = { Authorization: `Bearer ${(await t.createTenant('Other')).apiKey}` };
    await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(other).expect(404);
  });

  it('API keys: create (shown once), list (prefix only), revoke → 401', async () => {
    const created = await request(t.server).post('/v1/api-keys').set(auth).send({ name: 'ci' }).expect(201);
    expect(created.body.key).toMatch(/^tly_/);
    const list = await request(t.server).get('/v1/api-keys').set(auth).expect(200);
    expect(list.body.map((k: { name: string }) => k.name).sort()).toEqual(['ci', 'default']);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const ci = { Authorization: `Bearer ${created.body.key}` };
    await request(t.server).get('/v1/jobs').set(ci).expect(200);
    await request(t.server).delete(`/v1/api-keys/${created.body.id}`).set(auth).expect(204);
    const res = await request(t.server).get('/v1/jobs').set(ci).expect(401);
    expect(res.body.error.code).toBe('api_key_revoked');
    await request(t.server).post('/v1/api-keys').set(auth).send({}).expect(400);
  });
});

describe('GCS storage (a fake GCS server; the real @google-cloud/storage client)', () => {
  let gcs: FakeGcs;
  let t: TestApp;
  let auth: { Authorization: string };
  beforeAll(async () => {
    gcs = await startFakeGcs('tally-videos');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'sa.json');
    await writeFile(
      keyFile,
      JSON.stringify({ type: 'service_account', project_id: 'test', client_email: 'tally@test.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }),
    );
    t = await startTestApp('signed_gcs', { TALLY_STORAGE: 'gcs', TALLY_GCS_BUCKET: 'tally-videos', TALLY_GCS_API_ENDPOINT: gcs.url, TALLY_GCS_KEY_FILE: keyFile });
    auth = { Authorization: `Bearer ${(await t.createTenant('Cloud')).apiKey}` };
  });
  afterAll(async () => {
    await t?.close();
    await gcs?.close();
  });

  it('a multipart upload is stored in the bucket under tenants/{tenant}/videos/{video}', async () => {
    const res = await request(t.server).post('/v1/videos').set(auth).attach('file', video).expect(202);
    expect([...gcs.objects.keys()]).toContainEqual(expect.stringMatching(new RegExp(`^tenants/[0-9a-f-]+/videos/${res.body.videoId}$`)));
  });

  it('the signed-URL flow: PUT to the V4 URL, then complete probes the object from the bucket', async () => {
    const upload = (await request(t.server).post('/v1/uploads').set(auth).send({ fileName: 'direct.mp4' }).expect(201)).body;
    expect(upload.url).toContain(gcs.url);
    expect(upload.url).toContain('X-Goog-Signature=');
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: readFileSync(video) });
    expect(put.status).toBe(200);
    const done = await request(t.server).post(`/v1/uploads/${upload.uploadId}/complete`).set(auth).expect(202);
    expect(done.body.status).toBe('queued');
  });

  it('readiness writes to the bucket', async () => {
    const res = await request(t.server).get('/readyz').expect(200);
    expect(res.body.details.storage).toMatchObject({ status: 'up', kind: 'gcs' });
  });
});
