import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Report } from '../../src/analysis/report.types.js';
import { JobEventsService } from '../../src/jobs/job-events.service.js';
import { thumbnailKey } from '../../src/portal/thumbnails.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieFrom, ensurePortalBuilt } from '../support/portal.js';
import { makeVideo } from '../support/videos.js';

const runFile = promisify(execFile);
const XRW = { 'X-Requested-With': 'tally-portal' };
const PASSWORD = 'correct horse battery';

let t: TestApp;
let dir: string;
let clip: string;

beforeAll(async () => {
  await ensurePortalBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'tally-portal-api-'));
  clip = await makeVideo(path.join(dir, 'clip.mp4'), { seconds: 2, width: 320, height: 240, fps: 10 });
  t = await startTestApp('portal_api', { TALLY_LOGIN_MAX_FAILURES: '3' });
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function signUp(email: string, company = 'Acme'): Promise<{ cookie: string; apiKey: string; tenantId: string }> {
  const res = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email, password: PASSWORD, company }).expect(201);
  return { cookie: cookieFrom(res.headers['set-cookie']), apiKey: res.body.apiKey, tenantId: res.body.tenant.id };
}

describe('portal static files', () => {
  it('serves index.html at / and on client routes, with its own CSP; never shadows the API or operations', async () => {
    const home = await request(t.server).get('/').expect(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.text).toContain('<div id="root">');
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    expect(home.headers['cache-control']).toBe('no-cache');
    const route = await request(t.server).get('/jobs/0b7e0e5e-8a57-4e2a-9d0b-5a3c0e7f1a11').expect(200);
    expect(route.text).toBe(home.text);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
    expect(asset).toBeDefined();
    const js = await request(t.server).get(asset as string).expect(200);
    expect(js.headers['cache-control']).toContain('immutable');
    const api404 = await request(t.server).get('/v1/no-such-thing').set('Accept', 'text/html').expect(404);
    expect(api404.body.error.code).toBe('not_found');
    await request(t.server).get('/healthz').expect(200);
    expect((await request(t.server).get('/docs/').redirects(1)).text).toContain('swagger');
    await request(t.server).get('/assets/missing.js').expect(404);
    expect((await request(t.server).get('/nope').set('Accept', 'text/html').expect(404)).body.error.code).toBe('not_found');
  });
});

describe('sign-up, sign-in, sessions', () => {
  it('refuses weak passwords and bad emails with a message, and requests without the CSRF header', async () => {
    const weak = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'w@example.com', password: '1234567890123', company: 'W' }).expect(400);
    expect(weak.body.error).toEqual({ code: 'weak_password', message: 'the password cannot be only digits' });
    const short = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'w@example.com', password: 'short', company: 'W' }).expect(400);
    expect(short.body.error.message).toMatch(/at least 10 characters/);
    const email = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'nope', password: PASSWORD, company: 'W' }).expect(400);
    expect(email.body.error.message).toMatch(/valid email/);
    const csrf = await request(t.server).post('/v1/auth/signup').send({ email: 'w@example.com', password: PASSWORD, company: 'W' }).expect(403);
    expect(csrf.body.error.code).toBe('csrf');
  });

  it('sign-up sets an HttpOnly SameSite=Strict cookie, answers the first API key (which works), and refuses the same email twice', async () => {
    const res = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'Ada@Example.com', password: PASSWORD, company: 'Analytical' }).expect(201);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^tally_portal=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    expect(res.body).toMatchObject({ user: { email: 'ada@example.com' }, tenant: { name: 'Analytical', planId: 'free' }, storage: 'local' });
    expect(res.body.limits.maxFileSizeBytes).toBeGreaterThan(0);
    await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${res.body.apiKey}`).expect(200);
    const again = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'ada@example.com', password: PASSWORD, company: 'Other' }).expect(409);
    expect(again.body.error.code).toBe('email_taken');
    const me = await request(t.server).get('/v1/auth/me').set('Cookie', cookieFrom(res.headers['set-cookie'])).expect(200);
    expect(me.body.user.email).toBe('ada@example.com');
    await request(t.server).get('/v1/auth/me').expect(401);
  });

  it('a session cookie authenticates the customer API; writes need X-Requested-With and a same-site Origin', async () => {
    const { cookie } = await signUp('cookie@example.com');
    await request(t.server).get('/v1/jobs').set('Cookie', cookie).expect(200);
    const noHeader = await request(t.server).post('/v1/api-keys').set('Cookie', cookie).send({ name: 'x' }).expect(403);
    expect(noHeader.body.error.code).toBe('csrf');
    await request(t.server).post('/v1/api-keys').set('Cookie', cookie).set(XRW).set('Origin', 'https://evil.example').send({ name: 'x' }).expect(403);
    const created = await request(t.server).post('/v1/api-keys').set('Cookie', cookie).set(XRW).send({ name: 'from portal' }).expect(201);
    expect(created.body.key).toMatch(/^tly_/);
    // A wrong cookie is simply not a session: 401, as without credentials.
    await request(t.server).get('/v1/jobs').set('Cookie', 'tally_portal=forged').expect(401);
  });

  it('sign-in works, wrong passwords are throttled per email and IP (429 with Retry-After), sign-out ends the session', async () => {
    await signUp('grace@example.com');
    const ok = await request(t.server).post('/v1/auth/signin').set(XRW).send({ email: 'GRACE@example.com', password: PASSWORD }).expect(200);
    const cookie = cookieFrom(ok.headers['set-cookie']);
    await request(t.server).get('/v1/jobs').set('Cookie', cookie).expect(200);
    for (let i = 0; i < 3; i++) {
      const bad = await request(t.server).post('/v1/auth/signin').set(XRW).send({ email: 'grace@example.com', password: 'wrong password!' }).expect(401);
      expect(bad.body.error).toEqual({ code: 'invalid_credentials', message: 'wrong email or password' });
    }
    const locked = await request(t.server).post('/v1/auth/signin').set(XRW).send({ email: 'grace@example.com', password: PASSWORD }).expect(429);
    expect(locked.body.error.code).toBe('too_many_sign_in_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Another email from the same IP is not locked.
    await request(t.server).post('/v1/auth/signin').set(XRW).send({ email: 'nobody@example.com', password: PASSWORD }).expect(401);

    const out = await request(t.server).post('/v1/auth/signout').set('Cookie', cookie).set(XRW).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^tally_portal=; Path=\/; Max-Age=0/);
    await request(t.server).get('/v1/jobs').set('Cookie', cookie).expect(401);
  });
});

describe('portal job list, tenant event stream, webhook settings', () => {
  let a: { cookie: string; apiKey: string; tenantId: string };
  let b: { cookie: string; apiKey: string; tenantId: string };
  let jobId: string;

  beforeAll(async () => {
    a = await signUp('list-a@example.com', 'A');
    b = await signUp('list-b@example.com', 'B');
  });

  it('jobs submitted without a callbackUrl use the tenant default webhook URL; the secret can be revealed and rotated', async () => {
    const bad = await request(t.server).put('/v1/settings/webhook').set('Cookie', a.cookie).set(XRW).send({ url: 'ftp://x' }).expect(400);
    expect(bad.body.error.message).toMatch(/http\(s\) URL/);
    const set = await request(t.server).put('/v1/settings/webhook').set('Cookie', a.cookie).set(XRW).send({ url: 'https://hooks.example.com/tally' }).expect(200);
    expect(set.body).toMatchObject({ url: 'https://hooks.example.com/tally', secretHint: expect.stringMatching(/^whsec_/) });
    const { secret } = (await request(t.server).get('/v1/settings/webhook/secret').set('Cookie', a.cookie).expect(200)).body;
    const rotated = (await request(t.server).post('/v1/settings/webhook/secret').set('Cookie', a.cookie).set(XRW).expect(200)).body.secret;
    expect(rotated).not.toBe(secret);
    expect((await request(t.server).get('/v1/settings/webhook/secret').set('Authorization', `Bearer ${a.apiKey}`).expect(200)).body.secret).toBe(rotated);

    const up = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${a.apiKey}`).field('stride', '4').attach('file', clip).expect(202);
    jobId = up.body.jobId;
    const [row] = (await t.db.query('SELECT callback_url FROM jobs WHERE id = $1', [jobId])) as { callback_url: string }[];
    expect(row.callback_url).toBe('https://hooks.example.com/tally');
  });

  it("lists the tenant's jobs with file names, filters by status, and shows nothing of another tenant's", async () => {
    const list = await request(t.server).get('/v1/portal/jobs').set('Cookie', a.cookie).expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(list.body.items[0]).toMatchObject({ id: jobId, status: 'queued', fileName: 'clip.mp4', options: { stride: 4 } });
    expect((await request(t.server).get('/v1/portal/jobs?status=succeeded').set('Cookie', a.cookie).expect(200)).body).toMatchObject({ items: [], total: 0 });
    await request(t.server).get('/v1/portal/jobs?status=bogus').set('Cookie', a.cookie).expect(400);
    await request(t.server).get('/v1/portal/jobs?fresh=maybe').set('Cookie', a.cookie).expect(400);
    // Lists are cached a second; fresh=true reads the database (the portal asks it after a change it knows of).
    await request(t.server).get('/v1/portal/jobs').set('Cookie', a.cookie).expect(200);
    await t.db.query(`UPDATE jobs SET status = 'canceled' WHERE id = $1`, [jobId]);
    expect((await request(t.server).get('/v1/portal/jobs').set('Cookie', a.cookie).expect(200)).body.items[0].status).toBe('queued');
    expect((await request(t.server).get('/v1/portal/jobs?fresh=true').set('Cookie', a.cookie).expect(200)).body.items[0].status).toBe('canceled');
    await t.db.query(`UPDATE jobs SET status = 'queued' WHERE id = $1`, [jobId]);
    expect((await request(t.server).get('/v1/portal/jobs').set('Cookie', b.cookie).expect(200)).body).toMatchObject({ items: [], total: 0 });
    await request(t.server).get(`/v1/jobs/${jobId}`).set('Cookie', b.cookie).expect(404);
  });

  it("streams the tenant's job events on /v1/events, and only that tenant's", async () => {
    const events = t.app.get(JobEventsService);
    if (!t.server.address()) await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    const { port } = t.server.address() as AddressInfo;
    /** Everything the stream sends within 2 s (or until the final event). */
    const read = (cookie: string) =>
      new Promise<string>((resolve) => {
        let text = '';
        const req = http.get({ host: '127.0.0.1', port, path: '/v1/events', headers: { Cookie: cookie } }, (res) => {
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('"status":"succeeded"')) req.destroy();
          });
        });
        req.on('close', () => resolve(text));
        req.on('error', () => resolve(text));
        setTimeout(() => req.destroy(), 2000);
      });
    const streamA = read(a.cookie);
    const streamB = read(b.cookie);
    await new Promise((r) => setTimeout(r, 500)); // let both subscribe
    await events.publish({ jobId, tenantId: a.tenantId, status: 'processing', progress: 0.5 });
    await events.publish({ jobId, tenantId: a.tenantId, status: 'succeeded', progress: 1, counts: { person: 2 } });
    const [textA, textB] = await Promise.all([streamA, streamB]);
    expect(textA).toContain('event: progress');
    expect(textA).toContain(`"id":"${jobId}","status":"processing","progress":0.5`);
    expect(textA).toContain('event: status');
    expect(textA).toContain(`"id":"${jobId}","status":"succeeded","progress":1,"counts":{"person":2}`);
    expect(textB).not.toContain(jobId);
  });

  it('announces a new job as queued to its tenant (a job list in another tab shows it at once)', async () => {
    const seen: { jobId: string; status: string }[] = [];
    const sub = (await t.app.get(JobEventsService).eventsOfTenant(a.tenantId)).subscribe((e) => seen.push(e));
    try {
      const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${a.apiKey}`).attach('file', clip).expect(202);
      const deadline = Date.now() + 5000;
      while (!seen.some((e) => e.jobId === res.body.jobId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen.find((e) => e.jobId === res.body.jobId)).toMatchObject({ status: 'queued', progress: 0 });
      // A refused upload announces nothing.
      await request(t.server).post(`/v1/jobs/${res.body.jobId}/cancel`).set('Authorization', `Bearer ${a.apiKey}`).expect(200);
      await new Promise((r) => setTimeout(r, 300));
      const before = seen.length;
      await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${a.apiKey}`).attach('file', Buffer.from('not a video'), 'x.mp4').expect(422);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.length).toBe(before);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('report thumbnails', () => {
  let a: { cookie: string; apiKey: string; tenantId: string };
  let b: { cookie: string; apiKey: string; tenantId: string };
  let jobId: string;
  let videoId: string;

  /** A finished job with a report whose object 1 is a box in the clip (the report is data: written as a worker would). */
  async function finishedJob(): Promise<{ jobId: string; videoId: string }> {
    const up = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${a.apiKey}`).attach('file', clip).expect(202);
    const report: Report = {
      counts: { person: 1 },
      peak: { person: 1 },
      objects: [{ id: 1, class: 'person', classId: 0, firstSec: 0.5, lastSec: 1.5, frames: 10, maxConf: 0.9, best: { frame: 10, timeSec: 1, box: [100, 60, 180, 200], conf: 0.9 } }],
      timeline: [
        { sec: 0, visible: { person: 1 } },
        { sec: 1, visible: { person: 1 } },
      ],
      quality: { droppedTracks: 0, classFlips: 0, sceneCuts: 0 },
      analysis: { model: 'yolov5n', modelSha256: 'x', classes: ['person'], inputSize: [640, 640], conf: 0.25, iou: 0.45, stride: 1, framesAnalysed: 20, executionProvider: 'cpu', tracker: {}, tallyVersion: 'test' },
      video: { durationSec: 2, fps: 10, frames: 20, width: 320, height: 240 },
      timings: { wallMs: 1, decodeMs: 1, inferenceMs: 1, trackingMs: 1, fps: 1 },
    };
    await t.db.query(`UPDATE jobs SET status = 'succeeded', progress = 1, finished_at = now() WHERE id = $1`, [up.body.jobId]);
    await t.db.query(`INSERT INTO reports (job_id, tenant_id, report, counts, objects_total) VALUES ($1, $2, $3, $4, 1)`, [up.body.jobId, a.tenantId, report, report.counts]);
    return up.body;
  }

  beforeAll(async () => {
    a = await signUp('thumb-a@example.com', 'TA');
    b = await signUp('thumb-b@example.com', 'TB');
    ({ jobId, videoId } = await finishedJob());
  });

  it('renders the best frame with its box as a ~320 px JPEG, caches it in storage, and serves the cache after the video is gone', async () => {
    const res = await request(t.server).get(`/v1/jobs/${jobId}/objects/1/thumbnail.jpg`).set('Cookie', a.cookie).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const jpg = res.body as Buffer;
    expect(jpg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const file = path.join(dir, 'thumb.jpg');
    await writeFile(file, jpg);
    const { stdout } = await runFile('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
    expect(stdout.trim().split(',')[0]).toBe('320');
    const cached = path.join(t.env.storageDir, ...thumbnailKey(a.tenantId, jobId, 1).split('/'));
    expect(existsSync(cached)).toBe(true);
    // The drawn box: yellow pixels exist in the thumbnail (testsrc has none of that exact hue at this spot).
    const { stdout: raw } = await runFile('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 10 * 1024 * 1024 });
    let yellow = 0;
    for (let i = 0; i < raw.length; i += 3) if (raw[i] > 200 && raw[i + 1] > 200 && raw[i + 2] < 80) yellow++;
    expect(yellow).toBeGreaterThan(100);

    await request(t.server).delete(`/v1/videos/${videoId}`).set('Authorization', `Bearer ${a.apiKey}`).expect(204);
    await request(t.server).get(`/v1/jobs/${jobId}/objects/1/thumbnail.jpg`).set('Authorization', `Bearer ${a.apiKey}`).expect(200);
  });

  it('another tenant gets 404; an unknown object 404; a video deleted before the thumbnail was made 410', async () => {
    expect((await request(t.server).get(`/v1/jobs/${jobId}/objects/1/thumbnail.jpg`).set('Cookie', b.cookie).expect(404)).body.error.code).toBe('not_found');
    await request(t.server).get(`/v1/jobs/${jobId}/objects/99/thumbnail.jpg`).set('Cookie', a.cookie).expect(404);
    await request(t.server).get(`/v1/jobs/${jobId}/objects/abc/thumbnail.jpg`).set('Cookie', a.cookie).expect(404);
    const other = await finishedJob();
    await request(t.server).delete(`/v1/videos/${other.videoId}`).set('Authorization', `Bearer ${a.apiKey}`).expect(204);
    const gone = await request(t.server).get(`/v1/jobs/${other.jobId}/objects/1/thumbnail.jpg`).set('Cookie', a.cookie).expect(410);
    expect(gone.body.error.code).toBe('video_deleted');
  });
});
