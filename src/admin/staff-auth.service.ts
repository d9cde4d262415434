import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { dummyPasswordHash, verifyPassword } from '../portal/passwords.js';
import { REDIS } from '../redis/redis.module.js';
import { AuditService } from './audit.service.js';
import type { StaffPrincipal } from './roles.js';
import { StaffUser } from './staff-user.entity.js';

/** Failed sign-ins per (email, IP) within the window before sign-in is refused for that pair. */
export const STAFF_LOGIN_MAX_FAILURES = 5;
export const STAFF_LOGIN_WINDOW_SEC = 15 * 60;

/** Thrown by authenticate(); AdminJS shows the message on its login page. */
export class StaffLoginThrottled extends Error {
  constructor(readonly retryAfterSec: number) {
    super(`Too many failed sign-ins: try again in ${Math.ceil(retryAfterSec / 60)} minute(s).`);
    this.name = 'StaffLoginThrottled';
  }
}

/**
 * Staff sign-in: scrypt password check, throttled per (email, IP) in Redis so that every API process
 * shares the count, audited on success. A disabled account fails like a wrong password.
 */
@Injectable()
export class StaffAuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly audit: AuditService,
  ) {}

  private failKey(email: string, ip: string): string {
    const who = createHash('sha256').update(`${email}\n${ip}`).digest('hex').slice(0, 32);
    return `${this.env.queuePrefix}:staff-login-fail:${who}`;
  }

  /** The staff member, or null for a wrong email/password or a disabled account; throws StaffLoginThrottled. */
  async authenticate(rawEmail: string | undefined, password: string | undefined, ip: string): Promise<StaffPrincipal | null> {
    const email = (rawEmail ?? '').trim().toLowerCase();
    const key = this.failKey(email, ip);
    const [[, failures], [, ttl]] = (await this.redis.multi().get(key).ttl(key).exec()) as [Error | null, string | number | null][];
    if (Number(failures ?? 0) >= STAFF_LOGIN_MAX_FAILURES) throw new StaffLoginThrottled(Math.max(1, Number(ttl)));

    const staff = email ? await this.db.getRepository(StaffUser).findOneBy({ email }) : null;
    // Unknown emails cost one scrypt too, so response times do not tell which emails exist.
    const ok = await verifyPassword(password ?? '', staff?.passwordHash ?? (await dummyPasswordHash()));
    if (!staff || !ok || staff.disabledAt) {
      await this.redis.multi().incr(key).expire(key, STAFF_LOGIN_WINDOW_SEC, 'NX').exec();
      return null;
    }
    await this.redis.del(key);
    await this.db.getRepository(StaffUser).update({ id: staff.id }, { lastLoginAt: new Date() });
    const principal: StaffPrincipal = { id: staff.id, email: staff.email, role: staff.role, title: staff.role };
    await this.audit.record({ staff: principal, action: 'login', resource: 'session', recordId: staff.id, ip });
    return principal;
  }

  /** The session's staff member as the database has it now: null when deleted or disabled since sign-in. */
  async current(principal: StaffPrincipal): Promise<StaffPrincipal | null> {
    const staff = await this.db.getRepository(StaffUser).findOneBy({ id: principal.id });
    if (!staff || staff.disabledAt) return null;
    return { id: staff.id, email: staff.email, role: staff.role, title: staff.role };
  }
}
