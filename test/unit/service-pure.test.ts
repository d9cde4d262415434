import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/analysis/errors.js';
import type { VideoProbe } from '../../src/analysis/probe.types.js';
import { bearerKey, generateApiKey, hashApiKey } from '../../src/auth/api-key.js';
import { toErrorResponse } from '../../src/common/error.filter.js';
import { TooManyRequestsError } from '../../src/common/errors.js';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { fairPriority, isAtRisk } from '../../src/jobs/scheduling.js';
import type { Plan } from '../../src/plans/plan.entity.js';
import { checkVideoLimits, effectiveLimits } from '../../src/quotas/limits.js';
import { assertSafeKey, videoKey } from '../../src/storage/storage-keys.js';
import { checkFileName, isAcceptableMediaType } from '../../src/uploads/multipart.js';
import { parseIdempotencyKey, parseUploadOptions } from '../../src/uploads/upload-options.js';
import { signWebhook, verifyWebhook } from '../../src/webhooks/webhook-signature.js';

describe('fairPriority (virtual start time per tenant)', () => {
  it.each([
    // tenantLast, globalMin, expected, why
    [0, 1, 1, 'first job of an idle queue'],
    [5, 1, 6, "a tenant's next job goes after its own queued ones"],
    [0, 51, 51, 'a newcomer joins at the head of the current round, not ahead of it'],
    [70, 51, 71, 'a tenant far ahead stays behind'],
  ])('tenantLast %i, globalMin %i → %i (%s)', (tenantLast, globalMin, expected) => {
    expect(fairPriority(tenantLast, globalMin)).toBe(expected);
  });

  it('flags jobs within 5 minutes of their deadline', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(isAtRisk(new Date(now + 4 * 60_000), now)).toBe(true);
    expect(isAtRisk(new Date(now + 6 * 60_000), now)).toBe(false);
    expect(isAtRisk(new Date(now - 1), now)).toBe(true);
  });
});

describe('upload options', () => {
  it.each([
    [{}, { options: {} }],
    [{ stride: '8' }, { options: { stride: 8 } }],
    [{ analysisFps: '2.5' }, { options: { analysisFps: 2.5 } }],
    [{ callbackUrl: 'https://example.com/hook' }, { options: {}, callbackUrl: 'https://example.com/hook' }],
  ])('%j is accepted', (raw, expected) => {
    expect(parseUploadOptions(raw)).toEqual(expected);
  });

  it.each([
    [{ stride: '0' }, /stride/],
    [{ stride: '1.5' }, /stride/],
    [{ analysisFps: '-1' }, /analysisFps/],
    [{ stride: '2', analysisFps: '2' }, /not both/],
    [{ callbackUrl: 'ftp://x/y' }, /callbackUrl/],
    [{ callbackUrl: 'not a url' }, /callbackUrl/],
    [{ callbackUrl: 'http://127.0.0.1:8080/hook' }, /callbackUrl must point to a public host on the internet: 127\.0\.0\.1 is a loopback address/],
    [{ callbackUrl: 'http://169.254.169.254/computeMetadata/v1/' }, /169\.254\.169\.254 is a linkLocal address/],
    [{ callbackUrl: 'http://10.0.0.7/hook' }, /10\.0\.0\.7 is a private address/],
    [{ callbackUrl: 'http://[::1]/hook' }, /::1 is a loopback address/],
    [{ callbackUrl: 'http://[::ffff:192.168.1.1]/hook' }, /private address/],
    [{ callbackUrl: 'http://metadata.google.internal/x' }, /metadata\.google\.internal is not a public host name/],
    [{ callbackUrl: 'http://localhost:3000/hook' }, /localhost is not a public host name/],
    [{ callbackUrl: 'http://redis:6379/' }, /redis is not a public host name/],
  ])('%j is refused', (raw, message) => {
    expect(() => parseUploadOptions(raw)).toThrow(message);
  });

  it('private callback URLs pass when the deployment allows them (TALLY_WEBHOOK_ALLOW_PRIVATE)', () => {
    expect(parseUploadOptions({ callbackUrl: 'http://10.0.0.7/hook' }, { allowPrivateCallbacks: true }).callbackUrl).toBe('http://10.0.0.7/hook');
  });

  it('checks Idempotency-Key and file names', () => {
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(() => parseIdempotencyKey('has space')).toThrow(/Idempotency-Key/);
    expect(checkFileName('My clip.mp4')).toBe('My clip.mp4');
    expect(checkFileName('')).toBe('video');
    for (const bad of ['../x.mp4', 'a/b.mp4', 'a\\b.mp4', '..']) expect(() => checkFileName(bad)).toThrow(/path/);
    expect(isAcceptableMediaType('video/mp4')).toBe(true);
    expect(isAcceptableMediaType('application/octet-stream')).toBe(true);
    expect(isAcceptableMediaType('text/plain')).toBe(false);
  });
});

describe('limits', () => {
  const plan = { maxConcurrentJobs: 10, maxVideoMinutesPerMonth: 100, maxFileSizeBytes: 1000, maxDurationSec: 60 } as Plan;
  const probe = (over: Partial<VideoProbe>) => ({ durationSec: 30, displayWidth: 1920, displayHeight: 1080, ...over }) as VideoProbe;

  it('takes tenant overrides over the plan, including an explicit null (unlimited)', () => {
    expect(effectiveLimits(plan, { maxConcurrentJobs: 3, maxVideoMinutesPerMonth: null })).toEqual({
      maxConcurrentJobs: 3,
      maxVideoMinutesPerMonth: null,
      maxFileSizeBytes: 1000,
      maxDurationSec: 60,
    });
    expect(effectiveLimits(plan, null).maxConcurrentJobs).toBe(10);
  });

  it.each([
    [probe({}), 500, null],
    [probe({}), 1001, 'file_too_large'],
    [probe({ durationSec: 61 }), 500, 'duration_too_long'],
    [probe({ displayWidth: 3840, displayHeight: 2160 }), 500, null],
    [probe({ displayWidth: 2160, displayHeight: 3840 }), 500, null],
    [probe({ displayWidth: 4096, displayHeight: 2160 }), 500, 'resolution_too_high'],
  ])('probe %j, %i bytes → %s', (p, size, code) => {
    const limits = effectiveLimits(plan, {});
    if (code === null) expect(() => checkVideoLimits(limits, p, size)).not.toThrow();
    else expect(() => checkVideoLimits(limits, p, size)).toThrow(expect.objectContaining({ code }));
  });
});

describe('errors → HTTP', () => {
  it.each([
    [new InputError('no_video_stream', 'no video'), 422, 'no_video_stream'],
    [new NotFoundException(), 404, 'not_found'],
    [new BadRequestException(['stride must be an integer', 'limit must not be greater than 100']), 400, 'validation_failed'],
    [new TooManyRequestsError('concurrent_jobs_limit', 'busy', 29.2), 429, 'concurrent_jobs_limit'],
    [Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }), 413, 'payload_too_large'],
    [new Error('boom'), 500, 'internal'],
  ])('%s → %i %s', (err, status, code) => {
    const res = toErrorResponse(err);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('keeps Retry-After and hides internal messages', () => {
    expect(toErrorResponse(new TooManyRequestsError('x', 'y', 29.2)).headers).toEqual({ 'Retry-After': '30' });
    expect(toErrorResponse(new Error('password=hunter2')).body.error.message).toBe('internal error');
  });

  it('joins validation messages', () => {
    const res = toErrorResponse(new BadRequestException(['a is bad', 'b is bad']));
    expect(res.body.error.message).toBe('a is bad; b is bad');
  });
});

describe('API keys, storage keys, webhook signatures', () => {
  it('generates keys whose hash is stored and whose prefix is shown', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^tly_[A-Za-z0-9_-]{32}$/);
    expect(key.startsWith(prefix)).toBe(true);
    expect(hash).toBe(hashApiKey(key));
    expect(bearerKey(`Bearer ${key}`)).toBe(key);
    expect(bearerKey('Basic abc')).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });

  it('builds tenant-scoped storage keys and refuses unsafe ones', () => {
    const t = '0b7c3f5e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';
    const v = '1c8d4a6f-2e3b-4d4c-8f9a-8b7c6d5e4f3a';
    expect(videoKey(t, v)).toBe(`tenants/${t}/videos/${v}`);
    expect(() => videoKey('../x', v)).toThrow();
    for (const bad of ['../etc', 'a//b', '/abs', 'a/./b', 'a b']) expect(() => assertSafeKey(bad)).toThrow(/unsafe/);
  });

  it('signs webhooks as t=…,v1=HMAC-SHA256(secret, "t.body") and verifies them', () => {
    const header = signWebhook('whsec_test', '{"a":1}', 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_test', '{"a":1}', header, 300, 1_700_000_100)).toBe(true);
    expect(verifyWebhook('whsec_other', '{"a":1}', header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('whsec_test', '{"a":2}', header, 300, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('whsec_test', '{"a":1}', header, 300, 1_700_001_000)).toBe(false); // too old
  });
});

describe('service settings', () => {
  it('has defaults for the service', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ storage: 'local', jobDeadlineMinutes: 20, workerConcurrency: 1, videoRetentionHours: 72, migrateOnStart: true, publicUrl: 'http://127.0.0.1:3000' });
  });

  it.each([
    [{ TALLY_STORAGE: 'gcs' }, /TALLY_GCS_BUCKET/],
    [{ TALLY_STORAGE: 's3' }, /TALLY_STORAGE=s3 is not valid/],
    [{ TALLY_MIGRATE_ON_START: 'maybe' }, /use true or false/],
    [{ TALLY_WORKER_CONCURRENCY: '0' }, /TALLY_WORKER_CONCURRENCY=0/],
  ])('refuses %j with a fix-it message', (src, message) => {
    expect(() => loadEnv(src)).toThrow(ConfigError);
    expect(() => loadEnv(src)).toThrow(message);
  });
});
