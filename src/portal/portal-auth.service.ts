import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../common/errors.js';
import { TALLY_ENV } from '../config/config.module.js';
import type { TallyEnv } from '../config/env.js';
import { QuotasService } from '../quotas/quotas.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { User } from '../users/user.entity.js';
import type { MeView } from './portal-auth.dto.js';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505' || (err as { driverError?: { code?: string } }).driverError?.code === '23505';

export interface SignedUp {
  user: { id: string; email: string };
  tenantId: string;
  /** The tenant's first API key: shown once. */
  apiKey: string;
}

/** Portal accounts: sign-up creates a tenant on the free plan, its first user and its first API key. */
@Injectable()
export class PortalAuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TALLY_ENV) private readonly env: TallyEnv,
    private readonly tenants: TenantsService,
    private readonly quotas: QuotasService,
  ) {}

  async signUp(emailRaw: string, password: string, company: string): Promise<SignedUp> {
    const email = emailRaw.trim().toLowerCase();
    const problem = passwordProblem(password, email);
    if (problem) throw new BadRequestError('weak_password', problem);
    if (!company.trim()) throw new BadRequestError('validation_failed', 'enter your organisation name');
    const taken = () => new ConflictError('email_taken', 'an account with this email already exists: sign in instead');
    await this.dropLapsedInvitation(email);
    if (await this.findByEmail(email)) throw taken();
    const passwordHash = await hashPassword(password);
    const { tenantId, apiKey } = await this.tenants.create(company, 'free');
    try {
      const users = this.db.getRepository(User);
      const user = await users.save(users.create({ tenantId, email, passwordHash }));
      return { user: { id: user.id, email }, tenantId, apiKey };
    } catch (err) {
      // The same email signed up at the same moment: the tenant made for this attempt goes.
      await this.db.getRepository(Tenant).delete({ id: tenantId });
      if (isUniqueViolation(err)) throw taken();
      throw err;
    }
  }

  /**
   * An invitation nobody accepted (no password, no link still valid) does not keep its address from signing
   * up: otherwise any tenant could reserve someone else's email by inviting it.
   */
  private async dropLapsedInvitation(email: string): Promise<void> {
    await this.db.query(
      `DELETE FROM users u WHERE lower(u.email) = $1 AND u.password_hash IS NULL
          AND NOT EXISTS (SELECT 1 FROM password_reset_tokens t WHERE t.user_id = u.id AND t.used_at IS NULL AND t.expires_at > now())`,
      [email],
    );
  }

  /** The user for these credentials, or 401. Unknown emails cost a hash too, so timing does not tell them apart. */
  async signIn(emailRaw: string, password: string): Promise<User> {
    const email = emailRaw.trim().toLowerCase();
    const user = await this.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user?.passwordHash || !ok) throw new UnauthorizedError('invalid_credentials', 'wrong email or password');
    return user;
  }

  /** Emails are stored lower-case; the unique index is on lower(email), so the query says the same. */
  private findByEmail(email: string): Promise<User | null> {
    return this.db.getRepository(User).createQueryBuilder('u').where('lower(u.email) = :email', { email }).getOne();
  }

  async me(userId: string, tenantId: string): Promise<MeView> {
    const user = await this.db.getRepository(User).findOneBy({ id: userId, tenantId });
    if (!user) throw new NotFoundError('user');
    const tenant = await this.tenants.get(tenantId);
    const limits = await this.quotas.limitsFor(tenantId);
    return {
      user: { id: user.id, email: user.email },
      tenant: { id: tenant.id, name: tenant.name, planId: tenant.planId, planName: tenant.plan.name, status: tenant.status },
      limits: {
        maxFileSizeBytes: Math.min(limits.maxFileSizeBytes, this.env.maxUploadBytes),
        maxDurationSec: limits.maxDurationSec,
        maxConcurrentJobs: limits.maxConcurrentJobs,
        maxVideoMinutesPerMonth: limits.maxVideoMinutesPerMonth,
      },
      storage: this.env.storage,
    };
  }
}
