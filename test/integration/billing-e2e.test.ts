import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { UsageLedgerEntry } from '../../src/billing/usage-ledger.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { startTestApp, waitFor, type TestApp } from '../support/app.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { makeVideo } from '../support/videos.js';

/** The one billing test through the real pipeline: upload → worker → succeeded → ledger → Bull dispatcher → Stripe. */
describe('billing end to end: a real job completion bills once', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let dir: string;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp('billing_e2e', { ...stripe.env, TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '2', TALLY_BILLING_DISPATCH_EVERY_SECONDS: '1' });
    dir = await mkdtemp(path.join(tmpdir(), 'tally-billing-e2e-'));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the worker marks the job succeeded with its ledger row; the repeatable dispatcher sends one meter event', async () => {
    const { tenantId, apiKey } = await t.createTenant('Studio', 'pro');
    const video = await makeVideo(path.join(dir, 'clip.mp4'), { seconds: 2.5, width: 160, height: 120, fps: 10 });
    const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${apiKey}`).field('stride', '5').attach('file', video).expect(202);
    const jobId = res.body.jobId as string;

    const job = await waitFor(async () => {
      const r = await request(t.server).get(`/v1/jobs/${jobId}`).set('Authorization', `Bearer ${apiKey}`);
      return ['succeeded', 'failed'].includes(r.body.status) ? r.body : undefined;
    }, 90_000);
    expect(job.status).toBe('succeeded');

    const rows = await t.db.getRepository(UsageLedgerEntry).findBy({ tenantId });
    expect(rows).toHaveLength(1);
    const [{ frames_analysed: frames, finished_at: finishedAt }] = (await t.db.query(`SELECT frames_analysed, finished_at FROM jobs WHERE id = $1`, [jobId])) as {
      frames_analysed: number;
      finished_at: Date;
    }[];
    expect(rows[0]).toMatchObject({ kind: 'usage', jobId, videoSeconds: 3, framesAnalysed: frames }); // 2.5 s rounded up
    expect(rows[0].occurredAt.getTime()).toBe(finishedAt.getTime()); // same transaction, same instant
    expect(rows[0].inferenceSeconds).toBeGreaterThan(0);

    const sent = await waitFor(async () => {
      const r = await t.db.getRepository(UsageLedgerEntry).findOneByOrFail({ id: rows[0].id });
      return r.dispatchState === 'sent' ? r : undefined;
    }, 30_000);
    const customer = (await t.db.getRepository(Tenant).findOneByOrFail({ id: tenantId })).stripeCustomerId;
    const events = stripe.calls('/v1/billing/meter_events').filter((r) => r.params['payload[stripe_customer_id]'] === customer);
    expect(events).toHaveLength(1);
    expect(events[0].params).toMatchObject({ identifier: sent.id, 'payload[value]': '3', event_name: 'tally_video_seconds' });

    const usage = await request(t.server).get('/v1/usage').set('Authorization', `Bearer ${apiKey}`).expect(200);
    expect(usage.body).toMatchObject({ videoSeconds: 3, jobs: 1, overageSeconds: 0, estimatedCharge: { amount: 0, currency: 'usd' } });
  });
});
