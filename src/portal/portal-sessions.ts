import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { TenantContext } from '../auth/tenant-context.js';
import { ForbiddenError } from '../common/errors.js';
import { TtlCache } from '../common/ttl-cache.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { REDIS } from '../redis/redis.module.js';
import type { TenantStatus } from '../tenants/tenant.entity.js';
import { CSRF_HEADER, parseCookies, SESSION_COOKIE, sessionCookie } from './cookies.js';

/** What a portal session holds (in Redis, under the SHA-256 of the cookie value). */
export interface PortalSession {
  userId: string;
  tenantId: string;
  email: string;
  createdAt: string;
}

/** A signed-in request's caller: the tenant context the API guard expects, plus who the person is. */
export interface SessionContext extends TenantContext {
  userId: string;
  email: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Resolved sessions are cached this long per process (like API keys): sign-out reaches other processes within it. */
const CACHE_MS = 5000;

/**
 * Portal sessions in Redis: an opaque random cookie (HttpOnly, SameSite=Strict), the session stored under
 * its hash so a Redis dump holds no usable cookie, renewed on use (GETEX). Why not express-session: the API
 * guard needs the session on /v1 routes without a global middleware, and this is the whole of it.
 */
@Injectable()
export class PortalSessions {
  private readonly ttlSec: number;
  private readonly secure: boolean;
  private readonly cache = new TtlCache<{ session: PortalSession; status: TenantStatus } | null>(CACHE_MS, 10_000);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.ttlSec = env.sessionTtlHours * 3600;
    this.secure = env.publicUrl.startsWith('https:');
  }

  /** The tenant's status, or undefined when the session is void: its user is gone or changed password since. */
  private async sessionStatus(session: PortalSession): Promise<TenantStatus | undefined> {
    const [row] = (await this.db.query(
      'SELECT t.status, u.password_changed_at FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1 AND u.tenant_id = $2',
      [session.userId, session.tenantId],
    )) as { status: TenantStatus; password_changed_at: Date | null }[];
    if (!row) return undefined;
    if (row.password_changed_at && row.password_changed_at.getTime() > Date.parse(session.createdAt)) return undefined;
    return row.status;
  }

  private key(token: string): string {
    return `${this.env.queuePrefix}:portal-session:${createHash('sha256').update(token).digest('hex')}`;
  }

  /** Starts a session; returns the Set-Cookie value. */
  async create(session: Omit<PortalSession, 'createdAt'>): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), JSON.stringify({ ...session, createdAt: new Date().toISOString() }), 'EX', this.ttlSec);
    return sessionCookie(token, this.ttlSec, this.secure);
  }

  /** Ends the request's session (if any); returns the Set-Cookie value that clears the cookie. */
  async destroy(req: Request): Promise<string> {
    const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    if (token) {
      await this.redis.del(this.key(token));
      this.cache.delete(token);
    }
    return sessionCookie('', 0, this.secure);
  }

  /** The request's session and its tenant's current status, or null when there is none (or it expired). */
  async lookup(req: Request): Promise<{ session: PortalSession; status: TenantStatus } | null> {
    const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    if (!token || token.length > 100) return null;
    const hit = this.cache.get(token);
    if (hit !== undefined) return hit;
    const raw = await this.redis.getex(this.key(token), 'EX', this.ttlSec);
    let value: { session: PortalSession; status: TenantStatus } | null = null;
    if (raw) {
      const session = JSON.parse(raw) as PortalSession;
      const status = await this.sessionStatus(session);
      if (status) value = { session, status }; // a deleted tenant's or user's sessions, and those older than a password change, are void
    }
    this.cache.set(token, value);
    return value;
  }

  /**
   * The API guard's alternative to a Bearer key: the session cookie. Cookie-authenticated requests that change
   * anything must carry X-Requested-With (a header no cross-site form can send and that CORS would preflight)
   * and, when the browser sends Origin, come from this site.
   */
  async authenticate(req: Request): Promise<SessionContext | undefined> {
    const found = await this.lookup(req);
    if (!found) return undefined;
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req);
    const { session, status } = found;
    return { tenantId: session.tenantId, apiKeyId: `user:${session.userId}`, status, userId: session.userId, email: session.email };
  }
}

/** Throws 403 unless the request carries the CSRF header and, if it says where it comes from, comes from this host. */
export function checkCsrf(req: Pick<Request, 'headers'>): void {
  if (!req.headers[CSRF_HEADER]) throw new ForbiddenError('csrf', 'cookie-authenticated requests that change data must send the X-Requested-With header');
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new ForbiddenError('csrf', 'bad Origin header');
    }
    if (host !== req.headers.host) throw new ForbiddenError('csrf', 'cross-site request refused');
  } else if (origin === 'null') {
    throw new ForbiddenError('csrf', 'cross-site request refused');
  }
}
