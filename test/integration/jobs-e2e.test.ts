import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JobEventsService, type JobEvent } from '../../src/jobs/job-events.service.js';
import { createAnalyzer } from '../../src/analysis/index.js';
import type { Report } from '../../src/analysis/report.types.js';
import { verifyWebhook } from '../../src/webhooks/webhook-signature.js';
import { startTestApp, waitFor, type TestApp } from '../support/app.js';
import { modelPath, sharedVideo } from '../support/paths.js';

const BUS = sharedVideo('bus-pan-720p120-3s.mp4');
const STRIDE = 8;

describe('end to end: upload → worker → report', () => {
  let t: TestApp;
  let tenantA: { tenantId: string; apiKey: string };
  let tenantB: { tenantId: string; apiKey: string };
  let hooks: { server: http.Server; url: string; received: { body: string; signature: string }[] };
  let jobId: string;
  let videoId: string;

  beforeAll(async () => {
    const received: { body: string; signature: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['tally-signature']) });
        res.writeHead(received.length === 1 ? 500 : 200).end(); // the first delivery fails: it must be retried
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hooks = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
    // The receiver is on 127.0.0.1: private destinations are allowed here (webhook-ssrf.test.ts checks the default).
    t = await startTestApp('jobs_e2e', { TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '2', TALLY_WEBHOOK_ALLOW_PRIVATE: 'true' });
    tenantA = await t.createTenant('A');
    tenantB = await t.createTenant('B');
  });
  afterAll(async () => {
    await t?.close();
    hooks?.server.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  it('accepts the upload, runs it to succeeded, and streams progress over SSE', async () => {
    const tenantEvents: JobEvent[] = [];
    const sub = (await t.app.get(JobEventsService).eventsOfTenant(tenantA.tenantId)).subscribe((e) => tenantEvents.push(e));
    const res = await request(t.server).post('/v1/videos').set(as(tenantA.apiKey)).field('stride', String(STRIDE)).field('callbackUrl', hooks.url).attach('file', BUS);
    expect(res.status).toBe(202);
    ({ jobId, videoId } = res.body);
    const sse = await request(t.server).get(`/v1/jobs/${jobId}/events`).set(as(tenantA.apiKey)).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
    const events = String(sse.body).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { status: string; progress: number });
    expect(events.at(-1)).toMatchObject({ id: jobId, status: 'succeeded', progress: 1 });
    const job = await request(t.server).get(`/v1/jobs/${jobId}`).set(as(tenantA.apiKey)).expect(200);
    expect(job.body).toMatchObject({ id: jobId, status: 'succeeded', progress: 1, attempts: 1 });
    expect(job.body.timings.framesAnalysed).toBeGreaterThan(0);
    expect(Date.parse(job.body.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.body.startedAt));
    // The final event brings the report's counts (a job list shows them without asking again).
    sub.unsubscribe();
    const report = await request(t.server).get(`/v1/jobs/${jobId}/report`).set(as(tenantA.apiKey)).expect(200);
    expect(tenantEvents.find((e) => e.jobId === jobId && e.status === 'succeeded')?.counts).toEqual(report.body.counts);
  });

  it('serves the report with the same counts as the analyzer run directly', async () => {
    const res = await request(t.server).get(`/v1/jobs/${jobId}/report`).set(as(tenantA.apiKey)).expect(200);
    const report = res.body as Report;
    const analyzer = await createAnalyzer({ modelPath, threads: 2 });
    try {
      const direct = await analyzer.analyze(BUS, { stride: STRIDE });
      expect(report.counts).toEqual(direct.counts);
      expect(report.objects.length).toBe(direct.objects.length);
    } finally {
      await analyzer.close();
    }
    expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const csv = await request(t.server).get(`/v1/jobs/${jobId}/report?format=csv`).set(as(tenantA.apiKey)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(report.objects.length + 1);
    const html = await request(t.server).get(`/v1/jobs/${jobId}/report?format=html`).set(as(tenantA.apiKey)).expect(200);
    for (const [cls, n] of Object.entries(report.counts)) expect(html.text).toContain(`<td>${cls}</td><td class="n">${n}</td>`);
    await request(t.server).get(`/v1/jobs/${jobId}/report?format=xml`).set(as(tenantA.apiKey)).expect(400);
  });

  it("hides tenant A's job, report and video from tenant B (404)", async () => {
    for (const path of [`/v1/jobs/${jobId}`, `/v1/jobs/${jobId}/report`, `/v1/videos/${videoId}`, `/v1/jobs/${jobId}/events`]) {
      const res = await request(t.server).get(path).set(as(tenantB.apiKey));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    await request(t.server).post(`/v1/jobs/${jobId}/cancel`).set(as(tenantB.apiKey)).expect(404);
    const list = await request(t.server).get('/v1/jobs').set(as(tenantB.apiKey)).expect(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });
    const own = await request(t.server).get('/v1/jobs?status=succeeded').set(as(tenantA.apiKey)).expect(200);
    expect(own.body.items.map((j: { id: string }) => j.id)).toEqual([jobId]);
  });

  it('delivers a signed completion webhook, retrying after a failure', async () => {
    await waitFor(async () => (hooks.received.length >= 2 ? true : undefined), 30_000);
    const tenant = await t.db.query('SELECT webhook_secret FROM tenants WHERE id = $1', [tenantA.tenantId]);
    const last = hooks.received[1];
    expect(verifyWebhook(tenant[0].webhook_secret, last.body, last.signature)).toBe(true);
    expect(verifyWebhook(tenant[0].webhook_secret, `${last.body} `, last.signature)).toBe(false);
    expect(JSON.parse(last.body)).toMatchObject({ type: 'job.succeeded', data: { id: jobId, status: 'succeeded' } });
  });

  it('is ready with the model loaded (worker role)', async () => {
    const res = await request(t.server).get('/readyz').expect(200);
    expect(res.body.details.model).toEqual({ status: 'up', executionProvider: 'cpu', precision: 'fp32' });
    const metrics = await request(t.server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/tally_inference_info\{provider="cpu",precision="fp32",model="yolov5n\.onnx"\} 1/);
    const frames = Number(/tally_inference_frames_total (\d+)/.exec(metrics.text)?.[1]);
    const [{ n }] = await t.db.query('SELECT sum(frames_analysed)::int AS n FROM jobs');
    expect(frames).toBe(n); // every analysed frame went through the shared batcher once
    expect(Number(/tally_inference_batches_total (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThan(0);
    expect(metrics.text).toMatch(/tally_inference_mean_batch_size \d/);
    expect(metrics.text).toMatch(/tally_jobs_finished_total\{status="succeeded"\} 1/);
    expect(metrics.text).toMatch(/tally_job_latency_seconds_count\{status="succeeded"\} 1/);
  });

  it('does not run a succeeded job again when its queue message comes back', async () => {
    const queue = t.app.get<import('bull').Queue>('BullQueue_analysis');
    await queue.add({ jobId }, { jobId: `${jobId}-replay` });
    await waitFor(async () => ((await queue.getJobCounts()).completed >= 2 ? true : undefined), 30_000);
    const [row] = await t.db.query('SELECT attempts, status FROM jobs WHERE id = $1', [jobId]);
    expect(row).toEqual({ attempts: 1, status: 'succeeded' });
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM reports WHERE job_id = $1', [jobId]);
    expect(n).toBe(1);
  });
});
