import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TooManyRequestsError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { REDIS } from '../redis/redis.module.js';

const WINDOW_SEC = 15 * 60;
/** Failures from one IP, whatever the email (someone trying many accounts), before that IP is refused. */
const PER_IP_FACTOR = 10;
/** Sign-ups from one IP per window. */
const SIGNUPS_PER_IP = 20;
/** Reset mails one address may be sent per window, and requests one IP may make. */
const RESET_MAILS_PER_EMAIL = 3;
const RESET_REQUESTS_PER_IP = 20;

/**
 * Failed sign-ins counted in Redis per (email, IP) and per IP, in a 15-minute window from the first failure,
 * shared by every API process. Over the limit: 429 with Retry-After, before the password is even checked.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
  ) {}

  private keys(email: string, ip: string): [string, string] {
    const who = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return [`${this.env.queuePrefix}:login-fail:${who}:${ip}`, `${this.env.queuePrefix}:login-fail-ip:${ip}`];
  }

  /** Throws 429 when this email and IP (or this IP alone) failed too often lately. */
  async check(email: string, ip: string): Promise<void> {
    const [pair, byIp] = this.keys(email, ip);
    const [[, a], [, b], [, ttlA], [, ttlB]] = (await this.redis.multi().get(pair).get(byIp).ttl(pair).ttl(byIp).exec()) as [Error | null, string | number | null][];
    const max = this.env.loginMaxFailures;
    if (Number(a ?? 0) >= max || Number(b ?? 0) >= max * PER_IP_FACTOR) {
      const wait = Math.max(Number(ttlA), Number(ttlB), 1);
      throw new TooManyRequestsError('too_many_sign_in_attempts', `too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    }
  }

  async failed(email: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of this.keys(email, ip)) multi.incr(key).expire(key, WINDOW_SEC, 'NX');
    await multi.exec();
  }

  /** A successful sign-in clears the (email, IP) count, not the IP's. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip)[0]);
  }

  /** Password-reset mail requests per email and per IP: nobody's inbox gets flooded, nobody probes at length. */
  async resetRequest(email: string, ip: string): Promise<void> {
    const who = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    const byEmail = `${this.env.queuePrefix}:reset-mail:${who}`;
    const byIp = `${this.env.queuePrefix}:reset-mail-ip:${ip}`;
    const replies = (await this.redis.multi().incr(byEmail).expire(byEmail, WINDOW_SEC, 'NX').ttl(byEmail).incr(byIp).expire(byIp, WINDOW_SEC, 'NX').ttl(byIp).exec()) as [Error | null, number][];
    const [[, perEmail], , [, ttlEmail], [, perIp], , [, ttlIp]] = replies;
    if (perEmail > RESET_MAILS_PER_EMAIL || perIp > RESET_REQUESTS_PER_IP) {
      throw new TooManyRequestsError('too_many_reset_requests', 'too many password reset requests: try again later', Math.max(1, perIp > RESET_REQUESTS_PER_IP ? ttlIp : ttlEmail));
    }
  }

  /** Sign-ups per IP: a cheap brake on scripted account creation. */
  async signup(ip: string): Promise<void> {
    const key = `${this.env.queuePrefix}:signup-ip:${ip}`;
    const [[, count], , [, ttl]] = (await this.redis.multi().incr(key).expire(key, WINDOW_SEC, 'NX').ttl(key).exec()) as [Error | null, number][];
    if (count > SIGNUPS_PER_IP) throw new TooManyRequestsError('too_many_sign_ups', 'too many sign-ups from this address: try again later', Math.max(1, ttl));
  }
}
