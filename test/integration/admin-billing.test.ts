/**
 * An admin changes a tenant's plan in the panel: its Stripe subscription follows at once and the notice says
 * so (AdminJS's own API, the real `stripe` client, a fake Stripe).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { OutboxDispatcher } from '../../src/billing/outbox-dispatcher.service.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { createStaff, signIn, startAdminApp, type Agent } from '../support/admin.js';
import type { TestApp } from '../support/app.js';
import { completeJob, fakeReport, insertProcessingJob } from '../support/billing-jobs.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';

let t: TestApp;
let stripe: FakeStripe;
let admin: Agent;

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startAdminApp('admin_billing', { ...stripe.env, STRIPE_TIMEOUT_MS: '1000', STRIPE_MAX_NETWORK_RETRIES: '0' });
  admin = await signIn(t.app, await createStaff(t.db, 'admin'));
  await t.db.query(`UPDATE plans SET stripe_price_id = 'price_enterprise' WHERE id = 'enterprise'`);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await stripe?.close();
});

it('moving a tenant to another plan moves its Stripe subscription to that plan’s price, or ends it', async () => {
  const { tenantId } = await t.createTenant('Planned', 'pro');
  const job = await insertProcessingJob(t.db, tenantId, 12);
  await completeJob(t.app, t.db, job, fakeReport(12, 100, 100));
  await t.app.get(OutboxDispatcher).runOnce();
  const { stripeSubscriptionId } = await t.db.getRepository(Tenant).findOneByOrFail({ id: tenantId });
  const sub = stripe.subscriptions.find((s) => s.id === stripeSubscriptionId);
  expect(sub).toMatchObject({ price: 'price_test_metered', status: 'active' });

  const edit = (planId: string) => admin.post(`/admin/api/resources/Tenant/records/${tenantId}/edit`).send({ name: 'Planned', planId }).expect(200);
  const up = await edit('enterprise');
  expect(up.body.notice).toMatchObject({ type: 'success', message: expect.stringContaining('Its Stripe subscription moved to the new plan’s price.') });
  expect(sub?.price).toBe('price_enterprise');

  const down = await edit('free');
  expect(down.body.notice.message).toContain('Its Stripe subscription ended');
  expect(sub?.status).toBe('canceled');
  expect(await t.db.getRepository(Tenant).findOneByOrFail({ id: tenantId })).toMatchObject({ planId: 'free', stripeSubscriptionId: null });

  // A rename alone does not touch Stripe.
  const before = stripe.requests.length;
  await admin.post(`/admin/api/resources/Tenant/records/${tenantId}/edit`).send({ name: 'Renamed', planId: 'free' }).expect(200);
  expect(stripe.requests.length).toBe(before);
});
