import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { BillingAccountsService } from '../../src/billing/billing-accounts.service.js';
import { BillingMetrics } from '../../src/billing/billing-metrics.js';
import { OutboxDispatcher, type DispatchResult } from '../../src/billing/outbox-dispatcher.service.js';
import { ReconciliationService } from '../../src/billing/reconciliation.service.js';
import { UsageLedgerEntry } from '../../src/billing/usage-ledger.entity.js';
import { UsageLedgerService } from '../../src/billing/usage-ledger.service.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { completeJob, fakeReport, insertProcessingJob, succeededJob } from '../support/billing-jobs.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';

const METER_EVENTS = '/v1/billing/meter_events';

describe('billing outbox: ledger rows to Stripe meter events, exactly once', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let ledger: UsageLedgerService;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp('billing_outbox', {
      ...stripe.env,
      STRIPE_TIMEOUT_MS: '1000',
      STRIPE_MAX_NETWORK_RETRIES: '1',
      TALLY_BILLING_RETRY_BASE_MS: '50',
    });
    ledger = t.app.get(UsageLedgerService);
    dispatcher = t.app.get(OutboxDispatcher);
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const rowsOf = (tenantId: string) => t.db.getRepository(UsageLedgerEntry).find({ where: { tenantId }, order: { occurredAt: 'ASC' } });
  const customerOf = async (tenantId: string) => (await t.db.getRepository(Tenant).findOneByOrFail({ id: tenantId })).stripeCustomerId;

  /** Runs the dispatcher until nothing is due and nothing is backing off (bounded). */
  async function drain(maxRuns = 40): Promise<DispatchResult[]> {
    const runs: DispatchResult[] = [];
    for (let i = 0; i < maxRuns; i++) {
      runs.push(await dispatcher.runOnce());
      const [{ n }] = (await t.db.query(`SELECT count(*)::int AS n FROM usage_ledger WHERE dispatch_state = 'pending'`)) as { n: number }[];
      if (n === 0) return runs;
      await new Promise((r) => setTimeout(r, 60));
    }
    throw new Error(`outbox not drained after ${maxRuns} runs: ${JSON.stringify(runs.at(-1))}`);
  }

  it('a succeeded job writes exactly one ledger row and, after dispatch, exactly one meter event (customer, value, identifier)', async () => {
    const { tenantId } = await t.createTenant('Metered', 'pro');
    const job = await insertProcessingJob(t.db, tenantId, 30.2);
    expect(await completeJob(t.app, t.db, job, fakeReport(91, 1500, 400))).toBe(true);

    const rows = await rowsOf(tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'usage', jobId: job.id, videoSeconds: 31, framesAnalysed: 91, inferenceSeconds: 1.5, decodeSeconds: 0.4, dispatchState: 'pending' });

    expect(await dispatcher.runOnce()).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
    const customer = await customerOf(tenantId);
    expect(customer).toMatch(/^cus_/);
    expect(stripe.subscriptions.filter((s) => s.customer === customer)).toEqual([expect.objectContaining({ price: 'price_test_metered' })]);
    const sent = stripe.calls(METER_EVENTS).filter((r) => r.params['payload[stripe_customer_id]'] === customer);
    expect(sent).toHaveLength(1);
    expect(sent[0].params).toMatchObject({
      event_name: 'tally_video_seconds',
      identifier: rows[0].id,
      'payload[value]': '31',
      timestamp: String(Math.floor(rows[0].occurredAt.getTime() / 1000)),
    });
    const [after] = await rowsOf(tenantId);
    expect(after).toMatchObject({ dispatchState: 'sent', attempts: 1, lastError: null, stripeRef: rows[0].id });
    expect(after.sentAt).toBeInstanceOf(Date);

    expect(await dispatcher.runOnce()).toMatchObject({ sent: 0 }); // nothing sent twice
    expect(stripe.calls(METER_EVENTS).filter((r) => r.params['payload[stripe_customer_id]'] === customer)).toHaveLength(1);
  });

  it('a duplicated completion, a retried recording, or concurrent recordings of one job: one ledger row', async () => {
    const { tenantId } = await t.createTenant('Twice', 'pro');
    const job = await insertProcessingJob(t.db, tenantId, 12);
    expect(await completeJob(t.app, t.db, job)).toBe(true);
    expect(await completeJob(t.app, t.db, job)).toBe(false); // the duplicated completion message finds it succeeded
    // A job retried after a crash records again: the unique job id turns it into a no-op.
    expect(await t.db.transaction((tx) => ledger.recordJob(tx, job, fakeReport()))).toBe(false);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => t.db.transaction((tx) => ledger.recordJob(tx, job, fakeReport()))));
    expect(concurrent.filter(Boolean)).toHaveLength(0);
    expect(await rowsOf(tenantId)).toHaveLength(1);

    const fresh = await insertProcessingJob(t.db, tenantId, 3);
    const racing = await Promise.all(Array.from({ length: 5 }, () => t.db.transaction((tx) => ledger.recordJob(tx, fresh, fakeReport()))));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await rowsOf(tenantId)).toHaveLength(2);
    await drain();
  });

  it('Stripe answering 500s, then timing out: rows are retried with backoff and each is sent once, nothing lost', async () => {
    const { tenantId } = await t.createTenant('Flaky', 'pro');
    const jobs = [];
    for (const d of [5, 7.5, 9]) jobs.push(await succeededJob(t.app, t.db, tenantId, d));
    stripe.failNext(5, { path: METER_EVENTS }); // more 500s than the client's own retry absorbs
    const runs = await drain();
    expect(runs.reduce((n, r) => n + r.retrying, 0)).toBeGreaterThan(0);

    const more = await succeededJob(t.app, t.db, tenantId, 4);
    stripe.hangNext(2, { path: METER_EVENTS }); // the request and the client's retry both time out
    const first = await dispatcher.runOnce();
    expect(first).toMatchObject({ sent: 0, retrying: 1 });
    const [waiting] = (await rowsOf(tenantId)).filter((r) => r.jobId === more.id);
    expect(waiting).toMatchObject({ dispatchState: 'pending', attempts: 1, lastError: expect.stringMatching(/StripeConnectionError/) });
    await drain();

    const rows = await rowsOf(tenantId);
    expect(rows.map((r) => r.dispatchState)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(rows.map((r) => r.videoSeconds)).toEqual([5, 8, 9, 4]);
    const customer = await customerOf(tenantId);
    const kept = [...stripe.meterEvents.values()].filter((e) => e.customer === customer);
    expect(kept.map((e) => e.identifier).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(kept.reduce((s, e) => s + e.value, 0)).toBe(26);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
  });

  it('a crash between sending and marking, or a lost response: the resend carries the same identifier and Stripe keeps one', async () => {
    const { tenantId } = await t.createTenant('Crashy', 'pro');
    await succeededJob(t.app, t.db, tenantId, 20);
    await dispatcher.runOnce();
    const customer = await customerOf(tenantId);
    const job = await succeededJob(t.app, t.db, tenantId, 10);
    const [row] = (await rowsOf(tenantId)).filter((r) => r.jobId === job.id);

    // The worker claims and sends, then dies before marking the row sent.
    const claimed = await dispatcher.claimNext();
    expect(claimed?.id).toBe(row.id);
    await dispatcher.deliver(claimed!);
    expect(await dispatcher.runOnce()).toMatchObject({ sent: 0 }); // still leased by the dead worker
    await t.db.query(`UPDATE usage_ledger SET locked_until = now() - interval '1 second' WHERE id = $1`, [row.id]); // its lease runs out
    expect(await dispatcher.runOnce()).toMatchObject({ sent: 1 });

    const sends = stripe.calls(METER_EVENTS).filter((r) => r.params.identifier === row.id);
    expect(sends).toHaveLength(2);
    expect(new Set(sends.map((s) => s.idempotencyKey))).toEqual(new Set([`tally-meter-${row.id}`]));
    expect([...stripe.meterEvents.values()].filter((e) => e.identifier === row.id)).toHaveLength(1);
    expect((await rowsOf(tenantId)).find((r) => r.id === row.id)).toMatchObject({ dispatchState: 'sent', attempts: 2 });

    // Stripe processed it but the answer never came (both tries): resent later with the same identifier.
    const lost = await succeededJob(t.app, t.db, tenantId, 6);
    const [lostRow] = (await rowsOf(tenantId)).filter((r) => r.jobId === lost.id);
    stripe.hangNext(2, { path: METER_EVENTS, accept: true });
    expect(await dispatcher.runOnce()).toMatchObject({ retrying: 1 });
    await drain();
    expect(stripe.calls(METER_EVENTS).filter((r) => r.params.identifier === lostRow.id).length).toBeGreaterThanOrEqual(3);
    expect([...stripe.meterEvents.values()].filter((e) => e.customer === customer).reduce((s, e) => s + e.value, 0)).toBe(36);

    const recon = await t.app.get(ReconciliationService).runOnce();
    expect(recon.find((r) => r.tenantId === tenantId)).toMatchObject({ status: 'match', stripeSeconds: 36, ledgerSentSeconds: 36, differenceSeconds: 0 });
  });

  it('credits become Stripe credit grants worth the seconds at the overage price; replays issue one credit', async () => {
    const { tenantId } = await t.createTenant('Credited', 'pro'); // pro: 5 cents per extra minute
    await succeededJob(t.app, t.db, tenantId, 120);
    const req = { tenantId, seconds: 90, reason: 'analysis re-run after our outage', issuedBy: 'ops@tally.test', idempotencyKey: 'incident-42' };
    const credit = await ledger.issueCredit(req);
    expect((await ledger.issueCredit(req)).id).toBe(credit.id);
    expect(credit).toMatchObject({ kind: 'credit', videoSeconds: -90, jobId: null, reason: req.reason, issuedBy: req.issuedBy });
    await expect(ledger.issueCredit({ ...req, idempotencyKey: undefined, seconds: 0 })).rejects.toMatchObject({ status: 400, code: 'invalid_credit' });

    await drain();
    const customer = await customerOf(tenantId);
    const grants = stripe.creditGrants.filter((g) => g.customer === customer);
    expect(grants).toEqual([expect.objectContaining({ value: 8, currency: 'usd', ledgerRowId: credit.id })]); // ceil(90 × 5 / 60)
    expect((await rowsOf(tenantId)).find((r) => r.id === credit.id)).toMatchObject({ dispatchState: 'sent', stripeRef: grants[0].id });
    // Meter events stay the gross usage (they cannot be negative).
    expect([...stripe.meterEvents.values()].filter((e) => e.customer === customer).map((e) => e.value)).toEqual([120]);
  });

  it('a free-plan tenant needs no Stripe: its rows are skipped and no customer is created', async () => {
    const { tenantId } = await t.createTenant('Hobby', 'free');
    await succeededJob(t.app, t.db, tenantId, 30);
    const customersBefore = stripe.customers.length;
    await drain();
    expect(await rowsOf(tenantId)).toEqual([expect.objectContaining({ dispatchState: 'skipped', sentAt: null })]);
    expect(stripe.customers.length).toBe(customersBefore);
    expect(await customerOf(tenantId)).toBeNull();
  });

  it('Stripe refusing a row (400) fails it for a person; past the identifier window a row is held; both can be requeued', async () => {
    const { tenantId } = await t.createTenant('Refused', 'pro');
    await succeededJob(t.app, t.db, tenantId, 2);
    await drain();
    const job = await succeededJob(t.app, t.db, tenantId, 3);
    stripe.failNext(1, { path: METER_EVENTS, status: 400 });
    expect(await dispatcher.runOnce()).toMatchObject({ failed: 1, sent: 0 });
    const failed = (await rowsOf(tenantId)).find((r) => r.jobId === job.id)!;
    expect(failed).toMatchObject({ dispatchState: 'failed', lastError: expect.stringMatching(/400/) });

    const old = await succeededJob(t.app, t.db, tenantId, 4);
    const oldRow = (await rowsOf(tenantId)).find((r) => r.jobId === old.id)!;
    // Its first attempt was a day ago and it never got through: Stripe may or may not have it.
    await t.db.query(`UPDATE usage_ledger SET attempts = 5, first_attempt_at = now() - interval '24 hours' WHERE id = $1`, [oldRow.id]);
    expect(await dispatcher.runOnce()).toMatchObject({ held: 1, sent: 0 });
    expect((await rowsOf(tenantId)).find((r) => r.id === oldRow.id)).toMatchObject({ dispatchState: 'held' });

    const recon = await t.app.get(ReconciliationService).runOnce();
    expect(recon.find((r) => r.tenantId === tenantId)).toMatchObject({ status: 'match', ledgerSentSeconds: 2, ledgerUnsentSeconds: 7 });

    expect(await ledger.requeue([failed.id, oldRow.id])).toBe(2);
    await drain();
    expect((await rowsOf(tenantId)).map((r) => r.dispatchState)).toEqual(['sent', 'sent', 'sent']);
  });

  it('reconciliation reports a customer whose Stripe total differs from the ledger (row, log and metric)', async () => {
    const { tenantId } = await t.createTenant('Drift', 'pro');
    await succeededJob(t.app, t.db, tenantId, 40);
    await succeededJob(t.app, t.db, tenantId, 15);
    await drain();
    const customer = await customerOf(tenantId);
    const lost = [...stripe.meterEvents.values()].find((e) => e.customer === customer && e.value === 15)!;
    stripe.meterEvents.delete(lost.identifier); // Stripe lost one

    const results = await t.app.get(ReconciliationService).runOnce();
    const mine = results.find((r) => r.tenantId === tenantId)!;
    expect(mine).toMatchObject({ status: 'mismatch', stripeCustomerId: customer, stripeSeconds: 40, ledgerSentSeconds: 55, differenceSeconds: -15 });
    const [stored] = (await t.db.query(`SELECT status, difference_seconds::int AS d FROM billing_reconciliations WHERE tenant_id = $1`, [tenantId])) as { status: string; d: number }[];
    expect(stored).toEqual({ status: 'mismatch', d: -15 });
    expect((await t.app.get(BillingMetrics).reconciliationMismatches.get()).values[0].value).toBeGreaterThanOrEqual(1);
    const metrics = await request(t.server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/tally_billing_reconciliation_mismatches [1-9]/);
    expect(metrics.text).toMatch(/tally_billing_outbox_rows\{state="pending"\} 0/);
  });
});

describe('a plan change reaches the Stripe subscription', () => {
  let t: TestApp;
  let stripe: FakeStripe;
  let dispatcher: OutboxDispatcher;
  let accounts: BillingAccountsService;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp('billing_plans', { ...stripe.env, STRIPE_TIMEOUT_MS: '1000', STRIPE_MAX_NETWORK_RETRIES: '0' });
    dispatcher = t.app.get(OutboxDispatcher);
    accounts = t.app.get(BillingAccountsService);
    // This database's enterprise plan has its own Stripe price.
    await t.db.query(`UPDATE plans SET stripe_price_id = 'price_enterprise', price_per_extra_minute_cents = 3 WHERE id = 'enterprise'`);
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const tenant = (id: string) => t.db.getRepository(Tenant).findOneByOrFail({ id });
  const subscriptionOf = async (id: string) => {
    const { stripeSubscriptionId } = await tenant(id);
    return stripe.subscriptions.find((s) => s.id === stripeSubscriptionId);
  };
  async function billUsage(tenantId: string): Promise<void> {
    const job = await insertProcessingJob(t.db, tenantId, 10);
    await completeJob(t.app, t.db, job, fakeReport(10, 100, 100));
    await dispatcher.runOnce();
  }

  it('moves the subscription to the new plan’s price, before the next usage is sent', async () => {
    const { tenantId } = await t.createTenant('Upgrading', 'pro');
    await billUsage(tenantId);
    expect(await subscriptionOf(tenantId)).toMatchObject({ price: 'price_test_metered', status: 'active' });
    expect((await tenant(tenantId)).stripeSubscriptionPriceId).toBe('price_test_metered');

    // Changed behind the panel's back (SQL): the dispatcher aligns the subscription before it sends usage.
    await t.db.query(`UPDATE tenants SET plan_id = 'enterprise' WHERE id = $1`, [tenantId]);
    await billUsage(tenantId);
    const sub = await subscriptionOf(tenantId);
    expect(sub).toMatchObject({ price: 'price_enterprise', status: 'active' });
    const update = stripe.requests.find((r) => r.method === 'POST' && r.path === `/v1/subscriptions/${sub?.id}`);
    expect(update?.params).toMatchObject({ 'items[0][id]': sub?.itemId, 'items[0][price]': 'price_enterprise', proration_behavior: 'none' });
    expect(stripe.subscriptions.filter((s) => s.customer === sub?.customer)).toHaveLength(1); // the same subscription, not a second one
    expect(await accounts.syncPlan(tenantId)).toBe('unchanged');
  });

  it('ends the subscription (usage so far invoiced) when the new plan is not billed through Stripe', async () => {
    const { tenantId } = await t.createTenant('Downgrading', 'pro');
    await billUsage(tenantId);
    const sub = await subscriptionOf(tenantId);
    await t.db.query(`UPDATE tenants SET plan_id = 'free' WHERE id = $1`, [tenantId]);
    expect(await accounts.syncPlan(tenantId)).toBe('canceled');
    expect(sub?.status).toBe('canceled');
    const cancel = stripe.requests.find((r) => r.method === 'DELETE' && r.path === `/v1/subscriptions/${sub?.id}`);
    expect(cancel?.params).toMatchObject({ invoice_now: 'true', prorate: 'false' });
    expect(await tenant(tenantId)).toMatchObject({ stripeSubscriptionId: null, stripeSubscriptionStatus: 'canceled', stripeSubscriptionPriceId: null });
    // Back on a billed plan later: a new subscription at the next billed usage.
    await t.db.query(`UPDATE tenants SET plan_id = 'pro' WHERE id = $1`, [tenantId]);
    await billUsage(tenantId);
    expect(await subscriptionOf(tenantId)).toMatchObject({ price: 'price_test_metered', status: 'active' });
    expect((await subscriptionOf(tenantId))?.id).not.toBe(sub?.id);
  });
});
