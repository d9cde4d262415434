/**
 * The usage page of a tenant billed through Stripe: this period's minutes and charge as the API computes them,
 * and its Stripe invoices (number linking to Stripe's hosted page, period, status, total). Stripe is a small
 * fake in test/support driven by the real `stripe` client.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { screenshotter, signUpInPortal, startPortalUnderTest, type PortalUnderTest } from '../support/browser.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { sharedVideo } from '../support/paths.js';

let app: PortalUnderTest;
let stripe: FakeStripe;

beforeAll(async () => {
  stripe = await startFakeStripe();
  app = await startPortalUnderTest('portal_billing', { ...stripe.env, STRIPE_TIMEOUT_MS: '2000', STRIPE_MAX_NETWORK_RETRIES: '0' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stripe?.close();
});

it('shows the period’s usage and charge, and the Stripe invoices', async () => {
  const { t, base, browser } = app;
  const shot = await screenshotter('portal-billing');
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await ctx.newPage();
    await signUpInPortal(page, base, { company: 'Paying Co', email: 'owner@paying.example', password: 'a long enough passphrase' });
    const me = (await (await page.request.get(`${base}/v1/auth/me`)).json()) as { tenant: { id: string } };
    // The tenant moved to Pro (support did it) and has a Stripe customer with one invoice so far.
    await t.db.query(`UPDATE tenants SET plan_id = 'pro', stripe_customer_id = 'cus_paying' WHERE id = $1`, [me.tenant.id]);
    // This database's Pro plan includes nothing and costs $6 a minute, so the 3-second video costs 30 cents.
    await t.db.query(`UPDATE plans SET included_video_minutes = 0, price_per_extra_minute_cents = 600 WHERE id = 'pro'`);
    stripe.invoices.set('cus_paying', [
      { id: 'in_7', object: 'invoice', number: 'TALLY-0007', status: 'paid', currency: 'usd', total: 4990, amount_due: 4990, amount_paid: 4990, period_start: 1793491200, period_end: 1796083200, created: 1796083300, hosted_invoice_url: 'https://invoice.stripe.test/in_7' },
    ]);
    await page.reload();
    await page.getByTestId('upload-stride').selectOption('8');
    await page.getByTestId('upload-input').setInputFiles(sharedVideo('bus-pan-720p120-3s.mp4'));
    await page.locator('[data-testid="job-row"][data-status="succeeded"]').waitFor({ timeout: 240_000 });

    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByTestId('usage-minutes').waitFor();
    const usage = (await (await page.request.get(`${base}/v1/usage`)).json()) as { plan: string; videoSeconds: number; estimatedCharge: { amount: number; currency: string } };
    expect(usage.plan).toBe('pro');
    await expect(page.getByTestId('usage-minutes').textContent()).resolves.toBe(`${(usage.videoSeconds / 60).toFixed(1)} min`);
    const charge = new Intl.NumberFormat('en-US', { style: 'currency', currency: usage.estimatedCharge.currency.toUpperCase() }).format(usage.estimatedCharge.amount / 100);
    expect(usage.estimatedCharge.amount).toBe(30);
    await expect(page.getByTestId('usage-charge').textContent()).resolves.toBe(charge);
    await page.getByRole('heading', { name: 'Your plan: Pro' }).waitFor();

    const invoices = page.getByTestId('usage-invoices');
    const link = invoices.getByRole('link', { name: 'TALLY-0007' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://invoice.stripe.test/in_7');
    expect(await link.getAttribute('rel')).toContain('noopener');
    const row = await invoices.locator('tbody tr').first().textContent();
    expect(row).toContain('paid');
    expect(row).toContain('$49.90');
    await shot(page, 'usage-with-invoices');
  } finally {
    await ctx.close();
  }
}, 300_000);
