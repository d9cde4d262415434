import { describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { isStripeBilled } from '../../src/billing/billing-accounts.service.js';
import { parsePeriod, periodLabel, periodOf } from '../../src/billing/billing-period.js';
import { billableSeconds, creditValueCents, estimateCharge, retryDelayMs } from '../../src/billing/charges.js';
import { isTransientStripeError, StripeNotConfiguredError } from '../../src/billing/stripe.gateway.js';
import { formatUsageTable } from '../../src/billing/usage-format.js';
import { ConfigError, loadEnv } from '../../src/config/env.js';

const PRO = { includedVideoMinutes: 1000, pricePerExtraMinuteCents: 5, currency: 'usd' };

describe('billableSeconds: a job is billed its video duration rounded up', () => {
  it.each([
    [30, 30, 'whole seconds stay'],
    [30.2, 31, 'a started second counts'],
    [2.5, 3, 'half a second rounds up'],
    [30.0000001, 30, 'probe noise below a millisecond is not a second'],
    [0.001, 1, 'a millisecond of video is a second'],
    [0, 0, 'nothing to bill'],
    [Number.NaN, 0, 'unknown duration bills nothing rather than failing the job'],
  ])('%p s → %p s (%s)', (duration, seconds) => {
    expect(billableSeconds(duration)).toBe(seconds);
  });
});

describe('estimateCharge: overage per second at the per-minute price', () => {
  it.each([
    [0, 0, 0, 'no usage'],
    [60_000, 0, 0, 'exactly the included minutes'],
    [60_060, 60, 5, 'one extra minute at 5 ¢'],
    [60_006, 6, 1, '6 s = 0.5 ¢ rounds to 1 ¢'],
    [60_005, 5, 0, '5 s = 0.42 ¢ rounds to 0'],
    [-100, 0, 0, 'credits beyond usage never make a negative charge'],
  ])('%p net s → overage %p s, %p ¢ (%s)', (net, overage, cents) => {
    expect(estimateCharge(net, PRO)).toEqual({ includedSeconds: 60_000, overageSeconds: overage, estimatedCharge: { amount: cents, currency: 'usd' } });
  });

  it('the free plan charges nothing beyond its included minutes', () => {
    expect(estimateCharge(10_000, { includedVideoMinutes: 60, pricePerExtraMinuteCents: 0, currency: 'usd' }).estimatedCharge.amount).toBe(0);
  });

  it('fractional prices (enterprise 3 ¢/min; 2.5 ¢/min)', () => {
    expect(estimateCharge(600_000 + 600, { includedVideoMinutes: 10_000, pricePerExtraMinuteCents: 3, currency: 'usd' }).estimatedCharge.amount).toBe(30);
    expect(estimateCharge(60 * 7, { includedVideoMinutes: 0, pricePerExtraMinuteCents: 2.5, currency: 'usd' }).estimatedCharge.amount).toBe(18); // 17.5 → 18
  });
});

describe('credits and retries', () => {
  it('a credit is worth its seconds at the overage price, rounded up for the customer', () => {
    expect(creditValueCents(-90, PRO)).toBe(8);
    expect(creditValueCents(60, PRO)).toBe(5);
    expect(creditValueCents(60, { pricePerExtraMinuteCents: 0 })).toBe(0);
  });

  it('retry backoff doubles from the base and stops at an hour', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 5000))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, 5000)).toBe(3_600_000);
  });

  it('plans billed through Stripe: a price for overage or an explicit Stripe price', () => {
    expect(isStripeBilled({ pricePerExtraMinuteCents: 5, stripePriceId: null })).toBe(true);
    expect(isStripeBilled({ pricePerExtraMinuteCents: 0, stripePriceId: null })).toBe(false);
    expect(isStripeBilled({ pricePerExtraMinuteCents: 0, stripePriceId: 'price_x' })).toBe(true);
  });

  it('transient Stripe errors are retried; invalid requests fail the row', () => {
    const err = (type: string, statusCode: number) => Stripe.errors.StripeError.generate({ type, message: 'x', statusCode } as never);
    expect(isTransientStripeError(new Error('socket hang up'))).toBe(true);
    expect(isTransientStripeError(new StripeNotConfiguredError('no price'))).toBe(true);
    expect(isTransientStripeError(err('api_error', 500))).toBe(true);
    expect(isTransientStripeError(err('invalid_request_error', 429))).toBe(true);
    expect(isTransientStripeError(err('invalid_request_error', 400))).toBe(false);
    expect(isTransientStripeError(err('invalid_request_error', 404))).toBe(false);
  });
});

describe('billing periods are calendar months in UTC', () => {
  it('the month containing an instant, whatever the local time zone', () => {
    expect(periodOf(new Date('2026-11-30T23:59:59.999Z'))).toEqual({ start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') });
    expect(periodOf(new Date('2026-12-31T23:00:00-05:00')).start.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodLabel(parsePeriod('2027-02'))).toBe('2027-02');
    expect(parsePeriod('2027-02').end.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(parsePeriod(undefined, new Date('2026-11-15T00:00:00Z')).start.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it.each(['2026-13', '2026-00', '26-11', '2026-1', 'november'])('%p is refused with a 400 that shows the format', (value) => {
    expect(() => parsePeriod(value)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_period', message: expect.stringMatching(/YYYY-MM/) }));
  });
});

describe('billing settings', () => {
  it('without STRIPE_SECRET_KEY billing is ledger-only, with sane defaults', () => {
    expect(loadEnv({}).billing).toMatchObject({
      stripeSecretKey: '',
      stripeApiProtocol: 'https',
      stripeMeterEventName: 'tally_video_seconds',
      stripeTimeoutMs: 10_000,
      stripeMaxNetworkRetries: 2,
      dispatchEverySeconds: 30,
      reconcileEveryMinutes: 60,
    });
  });

  it('test overrides and bad values', () => {
    const b = loadEnv({ STRIPE_SECRET_KEY: 'sk_test', STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http' }).billing;
    expect(b).toMatchObject({ stripeSecretKey: 'sk_test', stripeApiHost: '127.0.0.1', stripeApiPort: 12111, stripeApiProtocol: 'http' });
    expect(() => loadEnv({ STRIPE_API_PROTOCOL: 'ftp' })).toThrow(ConfigError);
    expect(() => loadEnv({ STRIPE_METER_EVENT_NAME: 'video seconds' })).toThrow(/STRIPE_METER_EVENT_NAME/);
    expect(() => loadEnv({ STRIPE_TIMEOUT_MS: '5' })).toThrow(/STRIPE_TIMEOUT_MS=5/);
  });
});

it('the usage table shows seconds, minutes and the charge in currency units', () => {
  const table = formatUsageTable({
    tenantId: 't1',
    plan: 'pro',
    period: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    videoSeconds: 60_480,
    usageSeconds: 60_630,
    creditedSeconds: 150,
    jobs: 2,
    includedSeconds: 60_000,
    overageSeconds: 480,
    estimatedCharge: { amount: 40, currency: 'usd' },
  });
  expect(table.split('\n')).toEqual([
    'Tenant     t1 (plan pro)',
    'Period     2026-11 (2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z, UTC)',
    'Jobs       2',
    'Usage      60630 s (1010.50 min)',
    'Credited   150 s',
    'Billable   60480 s (1008.00 min)',
    'Included   60000 s (1000.00 min)',
    'Overage    480 s (8.00 min)',
    'Estimated  0.40 usd',
    '',
  ]);
});
