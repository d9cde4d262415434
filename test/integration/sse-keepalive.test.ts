/**
 * Event streams stay alive while nothing happens (a ping every TALLY_SSE_KEEPALIVE_SECONDS, so proxies that
 * drop silent connections keep them) and a job's stream ends with its final status. API role: no worker, so
 * the job waits in the queue until it is canceled.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { sharedVideo } from '../support/paths.js';

let t: TestApp;
let port: number;
let apiKey: string;

beforeAll(async () => {
  t = await startTestApp('sse_keepalive', { TALLY_ROLE: 'api', TALLY_SSE_KEEPALIVE_SECONDS: '1' });
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
  port = (t.server.address() as AddressInfo).port;
  ({ apiKey } = await t.createTenant('Streams'));
});
afterAll(async () => t?.close());

/** Reads an event stream until it ends or `ms` pass; resolves to its text and whether the server ended it. */
function read(path: string, ms: number, onText?: (text: string) => void): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    let ended = false;
    const req = http.get({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${apiKey}` } }, (res) => {
      res.on('data', (c: Buffer) => {
        text += c.toString();
        onText?.(text);
      });
      res.on('end', () => {
        ended = true;
        resolve({ text, ended });
      });
    });
    req.on('error', () => resolve({ text, ended }));
    setTimeout(() => {
      req.destroy();
      resolve({ text, ended });
    }, ms);
  });
}

it('pings a queued job’s stream, and ends it when the job is canceled', async () => {
  const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).attach('file', sharedVideo('bus-pan-720p120-3s.mp4')).expect(202);
  const id = res.body.jobId as string;
  let canceled = false;
  const stream = read(`/v1/jobs/${id}/events`, 10_000, (text) => {
    // After two pings, cancel: the stream must then end by itself.
    if (!canceled && text.split('event: ping').length > 2) {
      canceled = true;
      void request(t.server)
        .post(`/v1/jobs/${id}/cancel`)
        .set('Authorization', `Bearer ${apiKey}`)
        .then((r) => expect(r.status).toBe(200)); // supertest sends when then() is called
    }
  });
  const { text, ended } = await stream;
  expect(text.indexOf('"status":"queued"')).toBeGreaterThanOrEqual(0);
  expect(text.split('event: ping').length - 1).toBeGreaterThanOrEqual(2);
  expect(text).toContain('"status":"canceled"');
  expect(ended).toBe(true);
}, 20_000);

it('pings the tenant-wide stream too', async () => {
  const { text } = await read('/v1/events', 2600);
  expect(text.split('event: ping').length - 1).toBeGreaterThanOrEqual(2);
});
