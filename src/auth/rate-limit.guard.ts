import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { TooManyRequestsError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { REDIS } from '../redis/redis.module.js';
import type { RequestWithTenant } from './tenant-context.js';

const WINDOW_MS = 60_000;

/**
 * TALLY_RATE_LIMIT_PER_MINUTE requests per API key (per IP before authentication), in fixed one-minute
 * windows counted in Redis, so every API process shares the count.
 *
 * Why not @nestjs/throttler: its 6.x builds are CommonJS and require() the ESM-only @nestjs/common 12,
 * which Node 20 allows but Jest (before Node 24.9) cannot load, so no test could boot the app.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & RequestWithTenant>();
    const res = context.switchToHttp().getResponse<Response>();
    const who = req.tenant ? `key:${req.tenant.apiKeyId}` : `ip:${req.ip}`;
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const key = `${this.env.queuePrefix}:ratelimit:${who}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, WINDOW_MS * 2).exec()) as [[Error | null, number], unknown];
    const limit = this.env.rateLimitPerMinute;
    const resetSec = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    res.setHeader('X-RateLimit-Limit', limit);
    res.setHeader('X-RateLimit-Remaining', Math.max(0, limit - count));
    if (count > limit) throw new TooManyRequestsError('rate_limited', `more than ${limit} requests per minute for this API key: slow down`, resetSec);
    return true;
  }
}
