import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';

describe('app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('app');
  });
  afterAll(async () => t?.close());

  it('GET /healthz answers ok', async () => {
    const res = await request(t.server).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('an unknown route is a 404 in the error format, with a request id', async () => {
    const res = await request(t.server).get('/nope').set('X-Request-Id', 'req-123').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(res.headers['x-request-id']).toBe('req-123');
  });

  it('GET /readyz reports database, Redis and storage up (api role: no model needed)', async () => {
    const res = await request(t.server).get('/readyz').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.details).sort()).toEqual(['database', 'redis', 'storage']);
  });

  it('GET /metrics exposes the job, queue and SLA metrics', async () => {
    const res = await request(t.server).get('/metrics').expect(200);
    for (const name of ['tally_jobs{status="queued"}', 'tally_queue_depth', 'tally_jobs_sla_at_risk', 'tally_job_latency_seconds', 'tally_analysis_frames_per_second']) {
      expect(res.text).toContain(name);
    }
  });

  it('GET /docs-json is the OpenAPI document with the v1 routes', async () => {
    const res = await request(t.server).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/videos', '/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/report']));
  });

  it('sets security headers (helmet)', async () => {
    const res = await request(t.server).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
