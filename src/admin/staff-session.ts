import { Inject, Injectable } from '@nestjs/common';
import RedisStore from 'connect-redis';
import type { Request, RequestHandler } from 'express';
import session, { type SessionOptions } from 'express-session';
import type { Redis } from 'ioredis';
import { TALLY_ENV } from '../config/config.module.js';
import { checkSessionSecret, type TallyEnv } from '../config/env.js';
import { REDIS } from '../redis/redis.module.js';
import type { StaffPrincipal } from './roles.js';

/** Staff sessions end after this long without a request (each request renews them). */
export const STAFF_SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const STAFF_SESSION_COOKIE = 'tally_staff';

/** What the session holds; `adminUser` is AdminJS's name for the signed-in user. */
export interface StaffSessionData {
  adminUser?: StaffPrincipal;
  redirectTo?: string;
}

export const staffOf = (req: Request): StaffPrincipal | undefined => (req.session as unknown as StaffSessionData | undefined)?.adminUser;

/**
 * One express-session middleware for everything staff: AdminJS (/admin), Bull Board (/admin/queues)
 * and the JSON endpoints under /v1/admin. Sessions live in Redis (shared by all API processes);
 * the cookie is httpOnly, sameSite=lax, and secure in production (behind the TLS-terminating load
 * balancer: `proxy` trusts its X-Forwarded-Proto).
 */
@Injectable()
export class StaffSessions {
  readonly options: SessionOptions;
  readonly middleware: RequestHandler;

  constructor(@Inject(REDIS) redis: Redis, @Inject(TALLY_ENV) env: TallyEnv) {
    const production = env.nodeEnv === 'production';
    this.options = {
      store: new RedisStore({ client: redis, prefix: `${env.queuePrefix}:staff-sess:`, ttl: STAFF_SESSION_IDLE_MS / 1000 }),
      secret: env.adminEnabled ? checkSessionSecret(env) : 'unused: the admin panel is disabled',
      name: STAFF_SESSION_COOKIE,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: production,
      cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: STAFF_SESSION_IDLE_MS, path: '/' },
    };
    this.middleware = session(this.options);
  }
}
