/**
 * Webhooks never reach inside the deployment's network by default (TALLY_WEBHOOK_ALLOW_PRIVATE unset): a
 * callback whose host resolves to a loopback address at delivery time (DNS checked on the connection itself)
 * is refused once and for all, and the receiver gets nothing. Real HTTP, DNS (/etc/hosts), Redis and Bull.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import request from 'supertest';
import { BlockedDestinationError, publicOnlyLookup } from '../../src/webhooks/destination.js';
import { WebhooksService } from '../../src/webhooks/webhooks.service.js';
import { startTestApp, waitFor, type TestApp } from '../support/app.js';
import { sharedVideo } from '../support/paths.js';

let t: TestApp;
let receiver: http.Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  receiver = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
  t = await startTestApp('webhook_ssrf', { TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '1' });
  await t.app.get<Queue>(getQueueToken('analysis')).pause(); // no analysis here (this file's own queue): only webhooks
});
afterAll(async () => {
  await t?.close();
  receiver?.close();
});

it('the lookup refuses names that resolve inside, and lets public addresses through', async () => {
  const resolve = (host: string) => new Promise<string>((ok, fail) => publicOnlyLookup(host, {}, (err, address) => (err ? fail(err) : ok(String(address)))));
  await expect(resolve('localhost')).rejects.toBeInstanceOf(BlockedDestinationError);
  await expect(resolve('localhost')).rejects.toThrow(/webhook to localhost refused: (127\.0\.0\.1|::1) is a loopback address/);
  await expect(resolve('8.8.8.8')).resolves.toBe('8.8.8.8'); // an address "resolves" to itself, no network needed
});

it('a job whose callback now leads to a loopback address: refused at delivery, never retried, nothing received', async () => {
  const { apiKey, tenantId } = await t.createTenant('Hooked');
  const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).field('callbackUrl', 'https://hooks.example.com/tally').attach('file', sharedVideo('bus-pan-720p120-3s.mp4')).expect(202);
  const jobId = res.body.jobId as string;
  // As if the name were re-pointed inside after it was accepted (or a URL stored before this check existed).
  await t.db.query(`UPDATE jobs SET callback_url = $2, status = 'succeeded' WHERE id = $1 AND tenant_id = $3`, [jobId, `http://localhost:${port}/hook`, tenantId]);
  await expect(t.app.get(WebhooksService).deliver(jobId)).rejects.toBeInstanceOf(BlockedDestinationError);
  await t.db.query(`UPDATE jobs SET callback_url = $2 WHERE id = $1`, [jobId, `http://127.0.0.1:${port}/hook`]);
  await expect(t.app.get(WebhooksService).deliver(jobId)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);

  // Through the worker: one attempt, then the Bull job fails for good (8 attempts are configured).
  await t.app.get(WebhooksService).enqueue({ id: jobId, callbackUrl: `http://127.0.0.1:${port}/hook` });
  const webhooks = t.app.get<Queue>(getQueueToken('webhooks'));
  const failed = await waitFor(async () => {
    const j = await webhooks.getJob(`webhook:${jobId}`);
    return j && (await j.isFailed()) ? j : undefined;
  }, 15_000);
  expect(failed.attemptsMade).toBe(1);
  expect(failed.failedReason).toMatch(/refused/);
  expect(hits).toBe(0);
  const [row] = await t.db.query('SELECT webhook_delivered_at FROM jobs WHERE id = $1', [jobId]);
  expect(row.webhook_delivered_at).toBeNull();
});
