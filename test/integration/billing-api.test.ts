import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import request from 'supertest';
import { OutboxDispatcher } from '../../src/billing/outbox-dispatcher.service.js';
import { UsageLedgerService } from '../../src/billing/usage-ledger.service.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { succeededJob } from '../support/billing-jobs.js';
import { runCli } from '../support/cli.js';
import { FAKE_STRIPE_KEYS, startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { makeVideo } from '../support/videos.js';

const HOOK = '/v1/billing/webhooks/stripe';
const as = (key: string) => ({ Authorization: `Bearer ${key}` });

let eventSeq = 0;
/** A Stripe event about `customer`, as Stripe would post it. */
function stripeEvent(type: string, object: Record<string, unknown>, createdSec = Math.floor(Date.now() / 1000)): { id: string; payload: string } {
  const id = `evt_test_${++eventSeq}_${Date.now()}`;
  const payload = JSON.stringify({ id, object: 'event', api_version: '2026-01-28.clover', created: createdSec, livemode: false, type, data: { object } });
  return { id, payload };
}

describe('billing API: webhooks, usage, invoices, CLI', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let dir: string;
  let video: string;
  let a: { tenantId: string; apiKey: string };
  let b: { tenantId: string; apiKey: string };
  let customerA: string;

  const post = (payload: string, signature?: string) => {
    const req = request(t.server).post(HOOK).set('Content-Type', 'application/json');
    return (signature === undefined ? req : req.set('Stripe-Signature', signature)).send(payload);
  };
  const signed = (payload: string, secret: string = FAKE_STRIPE_KEYS.webhookSecret) => post(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret }));
  const statusOf = async (tenantId: string) => (await t.db.getRepository(Tenant).findOneByOrFail({ id: tenantId })).status;
  const upload = (key: string) => request(t.server).post('/v1/videos').set(as(key)).field('stride', '8').attach('file', video);

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp('billing_api', { ...stripe.env, STRIPE_TIMEOUT_MS: '2000', STRIPE_MAX_NETWORK_RETRIES: '0' });
    dir = await mkdtemp(path.join(tmpdir(), 'tally-billing-'));
    video = await makeVideo(path.join(dir, 'tiny.mp4'), { seconds: 1, width: 64, height: 48, fps: 5 });
    a = await t.createTenant('A', 'pro');
    b = await t.createTenant('B', 'pro');
    await succeededJob(t.app, t.db, a.tenantId, 1);
    await t.app.get(OutboxDispatcher).runOnce(); // creates A's Stripe customer
    customerA = (await t.db.getRepository(Tenant).findOneByOrFail({ id: a.tenantId })).stripeCustomerId!;
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts an event signed with the webhook secret; rejects a wrong, missing or stale signature and a tampered body with 400', async () => {
    const { payload } = stripeEvent('customer.updated', { id: customerA, object: 'customer', customer: customerA });
    const ok = await signed(payload).expect(200);
    expect(ok.body).toEqual({ received: true, duplicate: false });

    const wrong = await signed(stripeEvent('invoice.payment_failed', { object: 'invoice', customer: customerA }).payload, 'whsec_someone_else').expect(400);
    expect(wrong.body.error).toEqual({ code: 'invalid_signature', message: expect.stringMatching(/Stripe-Signature/) });
    expect((await post(payload).expect(400)).body.error.code).toBe('invalid_signature');
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: FAKE_STRIPE_KEYS.webhookSecret });
    await post(payload.replace('customer.updated', 'invoice.payment_failed'), header).expect(400);
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: FAKE_STRIPE_KEYS.webhookSecret, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    await post(payload, stale).expect(400);
    expect(await statusOf(a.tenantId)).toBe('active');
  });

  it('invoice.payment_failed blocks new uploads with 402; invoice.paid unblocks; replays and older events change nothing', async () => {
    expect((await upload(a.apiKey)).status).toBe(202);
    const failed = stripeEvent('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer: customerA, status: 'open' });
    await signed(failed.payload).expect(200);
    expect(await statusOf(a.tenantId)).toBe('past_due');

    const refused = await upload(a.apiKey);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toEqual({ code: 'payment_required', message: expect.stringMatching(/past due.*pay it or update your payment method/) });
    expect((await upload(b.apiKey)).status).toBe(202); // another tenant is not affected
    await request(t.server).get('/v1/usage').set(as(a.apiKey)).expect(200); // reading usage still works

    const paid = stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice', customer: customerA, status: 'paid' });
    await signed(paid.payload).expect(200);
    expect(await statusOf(a.tenantId)).toBe('active');
    expect((await upload(a.apiKey)).status).toBe(202);

    // Stripe retries a delivery: the same event id is recognised and not applied again.
    expect((await signed(failed.payload).expect(200)).body).toEqual({ received: true, duplicate: true });
    expect(await statusOf(a.tenantId)).toBe('active');
    // A different failure event created before the payment (delivered late) does not undo it.
    const late = stripeEvent('invoice.payment_failed', { id: 'in_0', object: 'invoice', customer: customerA }, Math.floor(Date.now() / 1000) - 600);
    expect((await signed(late.payload).expect(200)).body.duplicate).toBe(false);
    expect(await statusOf(a.tenantId)).toBe('active');
    const [{ n }] = (await t.db.query(`SELECT count(*)::int AS n FROM stripe_webhook_events WHERE tenant_id = $1`, [a.tenantId])) as { n: number }[];
    expect(n).toBeGreaterThanOrEqual(4);
  });

  it('subscription updates follow the subscription status; a deleted subscription moves the tenant to the free plan', async () => {
    const c = await t.createTenant('C', 'pro');
    await succeededJob(t.app, t.db, c.tenantId, 2);
    await t.app.get(OutboxDispatcher).runOnce();
    const tenant = await t.db.getRepository(Tenant).findOneByOrFail({ id: c.tenantId });
    const sub = { id: tenant.stripeSubscriptionId, object: 'subscription', customer: tenant.stripeCustomerId };
    await signed(stripeEvent('customer.subscription.updated', { ...sub, status: 'past_due' }).payload).expect(200);
    expect(await t.db.getRepository(Tenant).findOneByOrFail({ id: c.tenantId })).toMatchObject({ status: 'past_due', stripeSubscriptionStatus: 'past_due' });
    await signed(stripeEvent('customer.subscription.updated', { ...sub, status: 'active' }).payload).expect(200);
    expect(await statusOf(c.tenantId)).toBe('active');
    await signed(stripeEvent('customer.subscription.deleted', { ...sub, status: 'canceled' }).payload).expect(200);
    expect(await t.db.getRepository(Tenant).findOneByOrFail({ id: c.tenantId })).toMatchObject({
      planId: 'free',
      stripeSubscriptionId: null,
      stripeSubscriptionStatus: 'canceled',
    });
    // An event about a customer we do not know is acknowledged (Stripe stops retrying) and changes nothing.
    await signed(stripeEvent('invoice.payment_failed', { object: 'invoice', customer: 'cus_unknown' }).payload).expect(200);
  });

  it('GET /v1/usage totals match the ledger, credits included, with the estimated overage charge; other tenants never show', async () => {
    const x = await t.createTenant('X', 'pro'); // pro: 1000 included minutes, 5 cents per extra minute
    const y = await t.createTenant('Y', 'pro');
    await succeededJob(t.app, t.db, x.tenantId, 60_000 + 599.2); // 600 s past the included 60,000
    await succeededJob(t.app, t.db, x.tenantId, 29.5);
    await succeededJob(t.app, t.db, y.tenantId, 7);
    await t.app.get(UsageLedgerService).issueCredit({ tenantId: x.tenantId, seconds: 150, reason: 'bad video', issuedBy: 'support@tally.test' });

    const res = await request(t.server).get('/v1/usage').set(as(x.apiKey)).expect(200);
    const [ledger] = (await t.db.query(
      `SELECT sum(video_seconds)::int AS net, count(*) FILTER (WHERE kind = 'usage')::int AS jobs FROM usage_ledger WHERE tenant_id = $1`,
      [x.tenantId],
    )) as { net: number; jobs: number }[];
    expect(ledger).toEqual({ net: 60_600 + 30 - 150, jobs: 2 });
    const now = new Date();
    expect(res.body).toEqual({
      period: {
        start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
        end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
      },
      videoSeconds: ledger.net,
      usageSeconds: 60_630,
      creditedSeconds: 150,
      jobs: 2,
      includedSeconds: 60_000,
      overageSeconds: 480,
      estimatedCharge: { amount: 40, currency: 'usd' }, // 480 s × 5 ¢ / 60 s
      plan: 'pro',
      stripeEnabled: true,
    });

    const other = await request(t.server).get('/v1/usage').set(as(y.apiKey)).expect(200);
    expect(other.body).toMatchObject({ videoSeconds: 7, usageSeconds: 7, creditedSeconds: 0, jobs: 1, overageSeconds: 0, estimatedCharge: { amount: 0 } });
    const lastYear = await request(t.server).get(`/v1/usage?period=${now.getUTCFullYear() - 1}-01`).set(as(x.apiKey)).expect(200);
    expect(lastYear.body).toMatchObject({ videoSeconds: 0, jobs: 0, period: { start: `${now.getUTCFullYear() - 1}-01-01T00:00:00.000Z` } });
    expect((await request(t.server).get('/v1/usage?period=2026-13').set(as(x.apiKey)).expect(400)).body.error.code).toBe('invalid_period');
    expect((await request(t.server).get('/v1/usage?tenantId=' + y.tenantId).set(as(x.apiKey)).expect(400)).body.error.code).toBe('validation_failed');
    await request(t.server).get('/v1/usage').expect(401);

    process.env.DATABASE_URL = t.env.databaseUrl;
    try {
      const cli = await runCli(['usage', '--tenant', x.tenantId, '--format', 'json']);
      expect(cli.code).toBe(0);
      const { tenantId, stripeEnabled: _s, ...api } = res.body as Record<string, unknown>;
      expect(tenantId).toBeUndefined();
      expect(JSON.parse(cli.stdout)).toEqual({ tenantId: x.tenantId, ...api });
      const table = await runCli(['usage', '--tenant', x.tenantId, '--format', 'table']);
      expect(table.stdout).toMatch(/^Overage\s+480 s \(8\.00 min\)$/m);
      expect(table.stdout).toMatch(/^Estimated\s+0\.40 usd$/m);
      expect(await runCli(['usage', '--tenant', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a tenant id/) });
      expect(await runCli(['usage', '--tenant', '00000000-0000-4000-8000-000000000000'])).toMatchObject({ code: 2, stderr: 'tally: tenant not found\n' });
      expect((await runCli(['usage', '--tenant', x.tenantId, '--period', '2026-00'])).code).toBe(2);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });

  it("GET /v1/invoices lists the caller's Stripe invoices; a tenant without a Stripe customer gets an empty list", async () => {
    stripe.invoices.set(customerA, [
      { id: 'in_42', object: 'invoice', number: 'TALLY-0042', status: 'paid', currency: 'usd', total: 1234, amount_due: 1234, amount_paid: 1234, period_start: 1793491200, period_end: 1796083200, created: 1796083300, hosted_invoice_url: 'https://invoice.stripe.test/in_42' },
    ]);
    const res = await request(t.server).get('/v1/invoices').set(as(a.apiKey)).expect(200);
    expect(res.body).toEqual({
      stripeEnabled: true,
      items: [
        {
          id: 'in_42',
          number: 'TALLY-0042',
          status: 'paid',
          currency: 'usd',
          total: 1234,
          amountDue: 1234,
          amountPaid: 1234,
          periodStart: new Date(1793491200_000).toISOString(),
          periodEnd: new Date(1796083200_000).toISOString(),
          created: new Date(1796083300_000).toISOString(),
          hostedInvoiceUrl: 'https://invoice.stripe.test/in_42',
        },
      ],
    });
    expect(stripe.calls('/v1/invoices').at(-1)?.params.customer).toBe(customerA);
    const none = await request(t.server).get('/v1/invoices').set(as(b.apiKey)).expect(200);
    expect(none.body).toEqual({ stripeEnabled: true, items: [] });
  });

  it('the OpenAPI document describes /v1/usage and /v1/invoices (not the Stripe webhook)', async () => {
    const doc = (await request(t.server).get('/docs-json').expect(200)).body as {
      paths: Record<string, { get?: { responses: Record<string, { content?: unknown }> } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/usage', '/v1/invoices']));
    expect(Object.keys(doc.paths)).not.toContain(HOOK);
    expect(Object.keys(doc.components.schemas.UsageView.properties)).toEqual(
      expect.arrayContaining(['period', 'videoSeconds', 'jobs', 'includedSeconds', 'overageSeconds', 'estimatedCharge']),
    );
  });
});

describe('billing without Stripe (ledger-only mode)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('billing_ledger_only');
  });
  afterAll(async () => t?.close());

  it('still records usage and shows usage and estimated charges; invoices are empty with stripeEnabled false; webhooks are off', async () => {
    const free = await t.createTenant('Free', 'free');
    await succeededJob(t.app, t.db, free.tenantId, 61 * 60); // the free plan includes 60 minutes and charges nothing beyond
    const usage = await request(t.server).get('/v1/usage').set(as(free.apiKey)).expect(200);
    expect(usage.body).toMatchObject({ videoSeconds: 3660, includedSeconds: 3600, overageSeconds: 60, estimatedCharge: { amount: 0, currency: 'usd' }, plan: 'free', stripeEnabled: false });

    const pro = await t.createTenant('Pro', 'pro');
    await succeededJob(t.app, t.db, pro.tenantId, 60_000 + 120);
    expect((await request(t.server).get('/v1/usage').set(as(pro.apiKey)).expect(200)).body).toMatchObject({ overageSeconds: 120, estimatedCharge: { amount: 10 } });
    expect((await request(t.server).get('/v1/invoices').set(as(pro.apiKey)).expect(200)).body).toEqual({ stripeEnabled: false, items: [] });

    expect(await t.app.get(OutboxDispatcher).runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0, held: 0 });
    const [{ pending }] = (await t.db.query(`SELECT count(*)::int AS pending FROM usage_ledger WHERE dispatch_state = 'pending'`)) as { pending: number }[];
    expect(pending).toBe(2); // kept: sent if Stripe is configured later

    const { payload } = stripeEvent('invoice.paid', { object: 'invoice', customer: 'cus_x' });
    const hook = await request(t.server).post(HOOK).set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=x').send(payload).expect(503);
    expect(hook.body.error.code).toBe('stripe_webhooks_disabled');
  });
});
