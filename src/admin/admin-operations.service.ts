import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKey } from '../auth/api-key.entity.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { BillingAccountsService, type PlanSync } from '../billing/billing-accounts.service.js';
import { UsageLedgerService } from '../billing/usage-ledger.service.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../common/errors.js';
import { Job } from '../jobs/job.entity.js';
import { JobsService } from '../jobs/jobs.service.js';
import { effectiveLimits } from '../quotas/limits.js';
import { Tenant, type QuotaOverrides, type TenantStatus } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { PasswordResetsService, type ResetLink } from '../users/password-resets.service.js';
import { quotaOverridesFromForm } from './quota-form.js';
import { can, quotaChangeProblem, type StaffPrincipal } from './roles.js';

/** Most video-minutes one credit may give back (a typo guard; several credits can add up). */
export const MAX_CREDIT_MINUTES = 100_000;

/**
 * What the panel's actions do, through the services that own each rule (jobs, API keys, tenants,
 * the usage ledger). Each method re-checks the role, so the rules hold whatever calls it.
 */
@Injectable()
export class AdminOperations {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobsService,
    private readonly apiKeys: ApiKeysService,
    private readonly tenants: TenantsService,
    private readonly ledger: UsageLedgerService,
    private readonly passwords: PasswordResetsService,
    private readonly billing: BillingAccountsService,
  ) {}

  /** After a plan change: the tenant's Stripe subscription follows its plan (see BillingAccountsService.syncPlan). */
  async syncTenantPlan(tenantId: string): Promise<PlanSync> {
    return this.billing.syncPlan(tenantId);
  }

  private require(staff: StaffPrincipal, permission: Parameters<typeof can>[1]): void {
    if (!can(staff, permission)) throw new ForbiddenError('forbidden', `your role (${staff.role}) cannot do this`);
  }

  private async tenantOfJob(id: string): Promise<string> {
    const job = await this.db.getRepository(Job).findOne({ where: { id }, select: { id: true, tenantId: true } });
    if (!job) throw new NotFoundError('job');
    return job.tenantId;
  }

  async retryJob(staff: StaffPrincipal, id: string): Promise<Job> {
    this.require(staff, 'retryJob');
    return this.jobs.retry(await this.tenantOfJob(id), id);
  }

  async cancelJob(staff: StaffPrincipal, id: string): Promise<Job> {
    this.require(staff, 'cancelJob');
    return this.jobs.cancel(await this.tenantOfJob(id), id);
  }

  async revokeApiKey(staff: StaffPrincipal, id: string): Promise<void> {
    this.require(staff, 'revokeApiKey');
    const key = await this.db.getRepository(ApiKey).findOneBy({ id });
    if (!key) throw new NotFoundError('API key');
    if (key.revokedAt) throw new BadRequestError('already_revoked', 'this key is already revoked');
    await this.apiKeys.revoke(key.tenantId, id);
  }

  /** A single-use, one-hour password reset link for a portal user (older links of theirs stop working). */
  async passwordResetLink(staff: StaffPrincipal, userId: string): Promise<ResetLink> {
    this.require(staff, 'resetPassword');
    return this.passwords.createLink(userId, staff.email);
  }

  /** Applies the change-quota form; support only within the plan (quotaChangeProblem). */
  async changeQuota(staff: StaffPrincipal, tenantId: string, form: Record<string, unknown>): Promise<QuotaOverrides> {
    this.require(staff, 'raiseQuota');
    const tenant = await this.tenants.get(tenantId);
    const plan = effectiveLimits(tenant.plan, {});
    const overrides = quotaOverridesFromForm(form, plan, tenant.quotaOverrides ?? {});
    const problem = quotaChangeProblem(staff.role, plan, effectiveLimits(tenant.plan, tenant.quotaOverrides), effectiveLimits(tenant.plan, overrides));
    if (problem) throw new ForbiddenError('quota_not_allowed', problem);
    await this.tenants.setQuotaOverrides(tenantId, overrides);
    return overrides;
  }

  async setTenantStatus(staff: StaffPrincipal, tenantId: string, status: Extract<TenantStatus, 'active' | 'suspended'>): Promise<void> {
    this.require(staff, 'suspendTenant');
    const result = await this.db.getRepository(Tenant).update({ id: tenantId }, { status });
    if (!result.affected) throw new NotFoundError('tenant');
  }

  /** A negative ledger row (UsageLedgerService); `idempotencyKey` makes a double submit issue one credit. */
  async issueCredit(staff: StaffPrincipal, tenantId: string, minutesRaw: unknown, reasonRaw: unknown, idempotencyKey?: string) {
    this.require(staff, 'issueCredit');
    const minutes = Number(String(minutesRaw ?? '').trim());
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_CREDIT_MINUTES) {
      throw new BadRequestError('invalid_credit', `minutes: give a number of video-minutes above 0 and at most ${MAX_CREDIT_MINUTES}`);
    }
    const reason = String(reasonRaw ?? '').trim();
    if (reason.length < 3 || reason.length > 500) throw new BadRequestError('invalid_credit', 'reason: say why, in 3 to 500 characters (the tenant sees it)');
    return this.ledger.issueCredit({ tenantId, seconds: Math.round(minutes * 60), reason, issuedBy: staff.email, idempotencyKey: idempotencyKey || undefined });
  }
}
