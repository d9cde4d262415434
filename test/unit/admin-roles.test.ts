import { describe, expect, it } from '@jest/globals';
import { atRisk } from '../../src/admin/dashboard.service.js';
import { quotaOverridesFromForm } from '../../src/admin/quota-form.js';
import { can, PERMISSIONS, quotaChangeProblem } from '../../src/admin/roles.js';
import { auditValues } from '../../src/admin/audit.service.js';
import type { Limits } from '../../src/quotas/limits.js';
import { checkSessionSecret, ConfigError, loadEnv } from '../../src/config/env.js';

const PRO: Limits = { maxConcurrentJobs: 10, maxVideoMinutesPerMonth: 20000, maxFileSizeBytes: 2048, maxDurationSec: 1800 };

describe('staff roles', () => {
  it('gives support view, retry, cancel, revoke and raise-quota only; admins everything; nobody without a session', () => {
    expect(PERMISSIONS.filter((p) => can({ role: 'support' }, p))).toEqual(['view', 'retryJob', 'cancelJob', 'revokeApiKey', 'resetPassword', 'raiseQuota']);
    expect(PERMISSIONS.every((p) => can({ role: 'admin' }, p))).toBe(true);
    expect(can(null, 'view')).toBe(false);
    expect(can({ role: 'intern' as never }, 'view')).toBe(false);
  });

  it.each([
    // [what it proves, role, current limits, next limits, expected problem or null]
    ['support raises a lowered limit back up to the plan', 'support', { ...PRO, maxConcurrentJobs: 3 }, { ...PRO, maxConcurrentJobs: 10 }, null],
    ['support cannot go past the plan', 'support', PRO, { ...PRO, maxConcurrentJobs: 11 }, /over the plan's limit of 10/],
    ['support cannot lower a limit', 'support', PRO, { ...PRO, maxDurationSec: 60 }, /can only raise/],
    ['unlimited is above any plan cap', 'support', PRO, { ...PRO, maxVideoMinutesPerMonth: null }, /over the plan's limit of 20000/],
    ['unchanged fields are not checked', 'support', { ...PRO, maxConcurrentJobs: 50 }, { ...PRO, maxConcurrentJobs: 50 }, null],
    ['admins may go beyond the plan or lower', 'admin', PRO, { ...PRO, maxConcurrentJobs: 500, maxDurationSec: 10 }, null],
  ] as const)('%s', (_why, role, current, next, expected) => {
    const problem = quotaChangeProblem(role, PRO, current, next);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('the change-quota form', () => {
  it('turns fields into overrides: blank or the plan value drops the override, "unlimited" means null, absent fields are kept', () => {
    expect(quotaOverridesFromForm({ maxConcurrentJobs: '5', maxVideoMinutesPerMonth: 'Unlimited' }, PRO, { maxDurationSec: 60 })).toEqual({
      maxConcurrentJobs: 5,
      maxVideoMinutesPerMonth: null,
      maxDurationSec: 60,
    });
    expect(quotaOverridesFromForm({ maxConcurrentJobs: '10', maxDurationSec: '' }, PRO, { maxConcurrentJobs: 3, maxDurationSec: 60 })).toEqual({});
  });

  it.each([['-1'], ['2.5'], ['ten'], ['unlimited']])('refuses %s for max concurrent jobs, naming the field', (value) => {
    expect(() => quotaOverridesFromForm({ maxConcurrentJobs: value }, PRO, {})).toThrow(/maxConcurrentJobs: .* is not a whole number/);
  });
});

describe('jobs at risk of missing their deadline', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  it.each([
    ['queued with 19 minutes left', { status: 'queued', progress: 0, startedAt: null, deadlineAt: at(19) }, false],
    ['queued with 4 minutes left', { status: 'queued', progress: 0, startedAt: null, deadlineAt: at(4) }, true],
    ['past its deadline', { status: 'processing', progress: 0.9, startedAt: at(-25), deadlineAt: at(-5) }, true],
    ['running at a pace that finishes in time (half done in 5 min, 10 left)', { status: 'processing', progress: 0.5, startedAt: at(-5), deadlineAt: at(10) }, false],
    ['running too slowly (20 % in 10 min: 40 more, 10 left)', { status: 'processing', progress: 0.2, startedAt: at(-10), deadlineAt: at(10) }, true],
    ['just started: too little progress to project', { status: 'processing', progress: 0.01, startedAt: at(-1), deadlineAt: at(18) }, false],
  ] as const)('%s', (_why, job, risky) => {
    expect(atRisk(job, now).risky).toBe(risky);
  });
});

describe('audit values', () => {
  it('leaves secrets out and writes dates as ISO strings', () => {
    expect(auditValues({ name: 'Acme', webhookSecret: 'whsec_x', hash: 'abc', passwordHash: 'scrypt$', 'quotaOverrides.maxConcurrentJobs': 3, at: new Date('2026-11-28T00:00:00Z') })).toEqual({
      name: 'Acme',
      'quotaOverrides.maxConcurrentJobs': 3,
      at: '2026-11-28T00:00:00.000Z',
    });
    expect(auditValues(null)).toBeNull();
  });
});

describe('admin settings', () => {
  it('turns the panel on for api and all, off for workers, unless TALLY_ADMIN_ENABLED says otherwise', () => {
    expect(loadEnv({ TALLY_ROLE: 'api' }).adminEnabled).toBe(true);
    expect(loadEnv({}).adminEnabled).toBe(true);
    expect(loadEnv({ TALLY_ROLE: 'worker' }).adminEnabled).toBe(false);
    expect(loadEnv({ TALLY_ROLE: 'worker', TALLY_ADMIN_ENABLED: 'true' }).adminEnabled).toBe(true);
    expect(loadEnv({ TALLY_ADMIN_ENABLED: 'false' }).adminEnabled).toBe(false);
  });

  it('needs a 32-character session secret in production; uses a development one elsewhere', () => {
    expect(() => checkSessionSecret(loadEnv({ NODE_ENV: 'production' }))).toThrow(ConfigError);
    expect(() => checkSessionSecret(loadEnv({ NODE_ENV: 'production', TALLY_SESSION_SECRET: 'short' }))).toThrow(/TALLY_SESSION_SECRET must be set to 32 or more/);
    expect(checkSessionSecret(loadEnv({ NODE_ENV: 'production', TALLY_SESSION_SECRET: 's'.repeat(32) }))).toBe('s'.repeat(32));
    expect(checkSessionSecret(loadEnv({}))).toMatch(/development/);
    expect(() => checkSessionSecret(loadEnv({ TALLY_SESSION_SECRET: 'short' }))).toThrow(/too short/);
  });

  it('reads the machine price for unit economics, A100 40 GB on demand by default', () => {
    expect(loadEnv({}).machineHourlyUsd).toBeCloseTo(3.673385, 6);
    expect(loadEnv({ TALLY_MACHINE_HOURLY_USD: '0.35' }).machineHourlyUsd).toBe(0.35);
    expect(() => loadEnv({ TALLY_MACHINE_HOURLY_USD: '-1' })).toThrow(/TALLY_MACHINE_HOURLY_USD=-1 is not valid/);
  });
});
