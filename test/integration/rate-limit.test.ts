import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';

describe('rate limit per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('rate_limit', { TALLY_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => t?.close());

  it('answers 429 rate_limited with Retry-After past the limit, counting each key separately', async () => {
    const a = { Authorization: `Bearer ${(await t.createTenant('A')).apiKey}` };
    const b = { Authorization: `Bearer ${(await t.createTenant('B')).apiKey}` };
    // 7 requests span at most two one-minute windows, so one window sees at least 4 of them.
    const responses: request.Response[] = [];
    for (let i = 0; i < 7; i++) responses.push(await request(t.server).get('/v1/jobs').set(a));
    expect(responses[0].status).toBe(200);
    const refused = responses.find((r) => r.status === 429);
    expect(refused?.body.error.code).toBe('rate_limited');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.headers['x-ratelimit-limit']).toBe('3');
    expect(responses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(6);
    await request(t.server).get('/v1/jobs').set(b).expect(200);
  });
});
