import { ValidationError, type ActionContext, type ActionResponse, type After, type ResourceWithOptions } from 'adminjs';
import type { DataSource } from 'typeorm';
import { ApiKey } from '../auth/api-key.entity.js';
import type { PlanSync } from '../billing/billing-accounts.service.js';
import { UsageLedgerEntry } from '../billing/usage-ledger.entity.js';
import { JOB_STATUSES, Job } from '../jobs/job.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { ReportRecord } from '../reports/report.entity.js';
import { TENANT_STATUSES, Tenant } from '../tenants/tenant.entity.js';
import { User } from '../users/user.entity.js';
import { Video } from '../videos/video.entity.js';
import { allow, builtIns, formAction } from './admin-actions.js';
import type { AdminOperations } from './admin-operations.service.js';
import { auditHooks } from './audit-hooks.js';
import { AuditLogEntry } from './audit-log.entity.js';
import type { AuditService } from './audit.service.js';
import type { ComponentName } from './components.js';
import { repositoryModel } from './repository-model.js';
import { STAFF_ROLES, StaffUser } from './staff-user.entity.js';
import { validateStaffUser } from './staff-users.js';
import { hashPassword } from '../portal/passwords.js';
import { DomainError } from '../common/errors.js';

export interface ResourceDeps {
  db: DataSource;
  ops: AdminOperations;
  audit: AuditService;
  components: Record<ComponentName, string>;
}

const CUSTOMERS = { name: 'Customers', icon: 'Users' };
const WORK = { name: 'Work', icon: 'Activity' };
const BILLING = { name: 'Billing', icon: 'DollarSign' };
const STAFF = { name: 'Staff', icon: 'Shield' };

const hidden = { isVisible: false };
const showOnly = { isVisible: { list: false, filter: false, show: true, edit: false } };
const readOnly = { isDisabled: true };

/** Every resource of the panel. Targets of relations are registered too (AdminJS's list 500s otherwise). */
export function buildResources({ db, ops, audit, components }: ResourceDeps): ResourceWithOptions[] {
  const hooks = auditHooks(audit);
  const reportLinks = { type: 'string' as const, ...showOnly, components: { show: components.ReportLinks } };

  const tenants: ResourceWithOptions = {
    resource: repositoryModel(db, Tenant),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['name', 'planId', 'status', 'createdAt'],
      filterProperties: ['name', 'planId', 'status', 'createdAt'],
      showProperties: ['id', 'name', 'planId', 'status', 'quotaOverrides', 'stripeCustomerId', 'stripeSubscriptionStatus', 'createdAt', 'updatedAt'],
      editProperties: ['name', 'planId', 'status', 'quotaOverrides'],
      properties: {
        status: { availableValues: TENANT_STATUSES.map((s) => ({ value: s, label: s })) },
        webhookSecret: hidden,
        quotaOverrides: { type: 'mixed' },
        'quotaOverrides.maxConcurrentJobs': { type: 'number' },
        'quotaOverrides.maxVideoMinutesPerMonth': { type: 'number' },
        'quotaOverrides.maxFileSizeBytes': { type: 'number' },
        'quotaOverrides.maxDurationSec': { type: 'number' },
      },
      actions: {
        // Edit covers plan and status: admin only. Support changes quotas through changeQuota.
        ...withPlanSync(builtIns(hooks, { create: 'create', edit: 'edit', delete: 'delete' }), ops),
        changeQuota: formAction(
          'raiseQuota',
          {
            description: "Overrides of the plan's limits. Blank = the plan's value. Support may raise a limit up to the plan's; admins may set any value.",
            submitLabel: 'Save quotas',
            fields: [
              { name: 'maxConcurrentJobs', label: 'Max concurrent jobs', type: 'number', from: 'quotaOverrides.maxConcurrentJobs' },
              { name: 'maxVideoMinutesPerMonth', label: 'Max video-minutes per month (or "unlimited")', type: 'text', from: 'quotaOverrides.maxVideoMinutesPerMonth' },
              { name: 'maxFileSizeBytes', label: 'Max file size (bytes)', type: 'number', from: 'quotaOverrides.maxFileSizeBytes' },
              { name: 'maxDurationSec', label: 'Max video duration (s)', type: 'number', from: 'quotaOverrides.maxDurationSec' },
            ],
          },
          components.ActionForm,
          () => true,
          async (staff, id, payload) => {
            const overrides = await ops.changeQuota(staff, id, payload);
            return `Quota overrides saved: ${JSON.stringify(overrides)}`;
          },
          hooks,
          'Sliders',
        ),
        suspendTenant: formAction(
          'suspendTenant',
          { description: 'Suspended tenants cannot start jobs (403) until reactivated. Running jobs finish.', submitLabel: 'Suspend' },
          components.ActionForm,
          (p) => p.status !== 'suspended',
          async (staff, id) => {
            await ops.setTenantStatus(staff, id, 'suspended');
            return 'Tenant suspended';
          },
          hooks,
          'Pause',
        ),
        reactivateTenant: formAction(
          'suspendTenant',
          { description: 'The tenant can start jobs again.', submitLabel: 'Reactivate' },
          components.ActionForm,
          (p) => p.status === 'suspended',
          async (staff, id) => {
            await ops.setTenantStatus(staff, id, 'active');
            return 'Tenant reactivated';
          },
          hooks,
          'Play',
        ),
        issueCredit: formAction(
          'issueCredit',
          {
            description: 'Gives video-minutes back: a negative row in the usage ledger, sent to Stripe as a credit. The reason is shown to the tenant.',
            submitLabel: 'Issue credit',
            idempotent: true,
            fields: [
              { name: 'minutes', label: 'Video-minutes to credit', type: 'number' },
              { name: 'reason', label: 'Reason', type: 'textarea' },
            ],
          },
          components.ActionForm,
          () => true,
          async (staff, id, payload, context: ActionContext) => {
            const entry = await ops.issueCredit(staff, id, payload.minutes, payload.reason, typeof payload.idempotencyKey === 'string' ? payload.idempotencyKey : undefined);
            context.auditNote = `credit of ${-entry.videoSeconds} video-seconds: ${entry.reason}`;
            context.auditAfter = { ledgerEntryId: entry.id, kind: entry.kind, videoSeconds: entry.videoSeconds, reason: entry.reason, issuedBy: entry.issuedBy };
            return `Credit issued: ${-entry.videoSeconds} video-seconds`;
          },
          hooks,
          'Gift',
        ),
      },
    },
  };

  const users: ResourceWithOptions = {
    resource: repositoryModel(db, User),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['email', 'tenantId', 'createdAt'],
      filterProperties: ['email', 'tenantId'],
      editProperties: ['email', 'tenantId'],
      properties: { passwordHash: hidden },
      actions: {
        ...builtIns(hooks, { create: false, edit: 'edit', delete: 'delete' }),
        // The link is shown to the staff member only (never stored: the database keeps its hash, the audit log
        // says who made one); they pass it to the customer through a channel that proves who they are.
        passwordResetLink: formAction(
          'resetPassword',
          {
            description:
              'Creates a single-use link, valid 1 hour, with which this user sets a new password (their sessions end). Send it only to the account’s own email address. Older links stop working.',
            submitLabel: 'Create reset link',
          },
          components.ActionForm,
          () => true,
          async (staff, id) => {
            const link = await ops.passwordResetLink(staff, id);
            return `Reset link for ${link.email}, valid until ${link.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, single use: ${link.url}`;
          },
          hooks,
          'Key',
        ),
      },
    },
  };

  const apiKeys: ResourceWithOptions = {
    resource: repositoryModel(db, ApiKey),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['name', 'prefix', 'tenantId', 'createdAt', 'lastUsedAt', 'revokedAt'],
      filterProperties: ['tenantId', 'prefix', 'name', 'revokedAt'],
      properties: { hash: hidden },
      actions: {
        // Keys are created by their tenant (the secret is shown once); staff only revoke.
        ...builtIns(hooks, { create: false, edit: false, delete: 'delete' }),
        revokeKey: formAction(
          'revokeApiKey',
          { description: 'Requests with this key are refused (401) within seconds. This cannot be undone.', submitLabel: 'Revoke key' },
          components.ActionForm,
          (p) => !p.revokedAt,
          async (staff, id) => {
            await ops.revokeApiKey(staff, id);
            return 'API key revoked';
          },
          hooks,
          'Slash',
        ),
      },
    },
  };

  const plans: ResourceWithOptions = {
    resource: repositoryModel(db, Plan),
    options: {
      navigation: CUSTOMERS,
      listProperties: ['id', 'name', 'includedVideoMinutes', 'pricePerExtraMinuteCents', 'maxConcurrentJobs', 'maxVideoMinutesPerMonth'],
      actions: builtIns(hooks, { create: 'create', edit: 'edit', delete: 'delete' }),
    },
  };

  const jobs: ResourceWithOptions = {
    resource: repositoryModel(db, Job),
    options: {
      navigation: WORK,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['id', 'tenantId', 'status', 'attempts', 'framesAnalysed', 'fps', 'createdAt', 'deadlineAt'],
      filterProperties: ['tenantId', 'status', 'errorCode', 'workerId', 'createdAt'],
      showProperties: [
        'id', 'tenantId', 'videoId', 'status', 'progress', 'errorCode', 'errorMessage', 'attempts', 'workerId',
        'decodeMs', 'inferenceMs', 'wallMs', 'fps', 'framesAnalysed', 'options', 'priority',
        'createdAt', 'startedAt', 'finishedAt', 'deadlineAt', 'callbackUrl', 'webhookDeliveredAt', 'reportLinks',
      ],
      properties: {
        status: { availableValues: JOB_STATUSES.map((s) => ({ value: s, label: s })) },
        errorMessage: { type: 'textarea' },
        reportLinks: reportLinks,
      },
      actions: {
        ...builtIns(hooks, { create: false, edit: false, delete: false }),
        retryJob: formAction(
          'retryJob',
          { description: 'Queues the failed job again with a new 20-minute deadline and a fresh set of attempts.', submitLabel: 'Retry job' },
          components.ActionForm,
          (p) => p.status === 'failed',
          async (staff, id, _payload, context: ActionContext) => {
            const job = await ops.retryJob(staff, id);
            // The job as the retry left it: a worker may claim it before the panel reads it back.
            context.auditAfter = { ...job };
            return `Job queued again (${job.status})`;
          },
          hooks,
          'RotateCcw',
        ),
        cancelJob: formAction(
          'cancelJob',
          { description: 'A queued job leaves the queue; a running one is stopped by its worker. The tenant gets the webhook.', submitLabel: 'Cancel job' },
          components.ActionForm,
          (p) => p.status === 'queued' || p.status === 'processing',
          async (staff, id) => {
            const job = await ops.cancelJob(staff, id);
            return `Job ${job.status}`;
          },
          hooks,
          'XCircle',
        ),
      },
    },
  };

  const videos: ResourceWithOptions = {
    resource: repositoryModel(db, Video),
    options: {
      navigation: WORK,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['originalName', 'tenantId', 'durationSec', 'sizeBytes', 'createdAt', 'deletedAt'],
      filterProperties: ['tenantId', 'originalName', 'createdAt'],
      properties: { storageKey: readOnly },
      actions: builtIns(hooks, {}),
    },
  };

  const reports: ResourceWithOptions = {
    resource: repositoryModel(db, ReportRecord),
    options: {
      navigation: WORK,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['jobId', 'tenantId', 'objectsTotal', 'createdAt'],
      filterProperties: ['jobId', 'tenantId', 'createdAt'],
      showProperties: ['id', 'jobId', 'tenantId', 'objectsTotal', 'counts', 'createdAt', 'reportLinks'],
      properties: { report: hidden, reportLinks },
      actions: builtIns(hooks, {}),
    },
  };

  const ledger: ResourceWithOptions = {
    resource: repositoryModel(db, UsageLedgerEntry),
    options: {
      navigation: BILLING,
      sort: { sortBy: 'occurredAt', direction: 'desc' },
      listProperties: ['occurredAt', 'tenantId', 'kind', 'videoSeconds', 'jobId', 'reason', 'issuedBy', 'dispatchState'],
      filterProperties: ['tenantId', 'kind', 'dispatchState', 'occurredAt', 'jobId'],
      actions: builtIns(hooks, {}), // read-only for everyone: a financial record
    },
  };

  const staffUsers: ResourceWithOptions = {
    resource: repositoryModel(db, StaffUser),
    options: {
      navigation: STAFF,
      listProperties: ['email', 'role', 'lastLoginAt', 'disabledAt'],
      editProperties: ['email', 'role', 'disabledAt', 'password'],
      showProperties: ['id', 'email', 'role', 'lastLoginAt', 'disabledAt', 'createdAt', 'updatedAt'],
      properties: {
        passwordHash: hidden,
        password: { type: 'password', isVisible: { list: false, show: false, filter: false, edit: true } },
        role: { availableValues: STAFF_ROLES.map((r) => ({ value: r, label: r })) },
      },
      actions: {
        ...builtIns(hooks, { create: 'manageStaff', edit: 'manageStaff', delete: 'manageStaff' }),
        list: { isAccessible: allow('view'), isVisible: allow('manageStaff') },
      },
    },
  };
  // A new or changed password is hashed before AdminJS saves; the plain text never reaches the database or the log.
  for (const name of ['new', 'edit'] as const) {
    const action = staffUsers.options.actions![name]!;
    const auditBefore = action.before as NonNullable<typeof hooks.before>;
    action.before = async (request, context) => {
      if (request.method === 'post' && request.payload) {
        const { password, ...rest } = request.payload as Record<string, string>;
        if (typeof rest.email === 'string') rest.email = rest.email.trim().toLowerCase(); // staff_users.email is stored lower-case
        const email = String(rest.email ?? context.record?.params.email ?? '');
        if (password) {
          try {
            rest.email = validateStaffUser({ email, password, role: String(rest.role ?? context.record?.params.role ?? 'support') }).email;
          } catch (err) {
            if (err instanceof DomainError) throw new ValidationError({ [err.code === 'weak_password' ? 'password' : err.code === 'invalid_role' ? 'role' : 'email']: { message: err.message } });
            throw err;
          }
          rest.passwordHash = await hashPassword(password);
        } else if (name === 'new') {
          throw new ValidationError({ password: { message: 'a new staff account needs a password' } });
        }
        request.payload = rest;
      }
      return auditBefore(request, context);
    };
  }

  const auditLog: ResourceWithOptions = {
    resource: repositoryModel(db, AuditLogEntry),
    options: {
      navigation: STAFF,
      sort: { sortBy: 'createdAt', direction: 'desc' },
      listProperties: ['createdAt', 'staffEmail', 'action', 'resource', 'recordId', 'note'],
      filterProperties: ['staffEmail', 'action', 'resource', 'recordId', 'createdAt'],
      actions: builtIns(hooks, {}), // append-only
    },
  };

  return [tenants, users, apiKeys, plans, jobs, videos, reports, ledger, staffUsers, auditLog];
}

/**
 * A tenant's plan changed in the edit form: its Stripe subscription follows at once (new price, or ended when
 * the plan is not billed through Stripe), and the notice says so. If Stripe cannot be reached, the change is
 * saved anyway and the billing dispatcher carries it to Stripe before the tenant's next usage.
 */
function withPlanSync(actions: ReturnType<typeof builtIns>, ops: AdminOperations): ReturnType<typeof builtIns> {
  const edit = actions.edit;
  const audited = edit.after as After<ActionResponse>;
  const after: After<ActionResponse> = async (response, request, context) => {
    const out = await audited(response, request, context);
    const before = (context as { auditBefore?: Record<string, unknown>[] | null }).auditBefore?.[0];
    const record = out.record as { id?: string; params?: Record<string, unknown> } | undefined;
    if (request.method !== 'post' || out.notice?.type === 'error' || !before || !record?.params || before.planId === record.params.planId) return out;
    const note = await ops.syncTenantPlan(String(record.params.id ?? record.id)).then(
      (r) => PLAN_SYNC_NOTES[r],
      (err: unknown) => `Stripe could not be updated now (${(err as Error).message}); it will be before the tenant's next billed usage.`,
    );
    return note ? { ...out, notice: { message: `${out.notice?.message ?? 'Saved.'} ${note}`, type: out.notice?.type ?? 'success' } } : out;
  };
  return { ...actions, edit: { ...edit, after } };
}

const PLAN_SYNC_NOTES: Record<PlanSync, string> = {
  none: '',
  unchanged: 'Its Stripe subscription already has this plan’s price.',
  price_changed: 'Its Stripe subscription moved to the new plan’s price.',
  canceled: 'Its Stripe subscription ended (usage so far invoiced): the new plan is not billed through Stripe.',
  created: 'A Stripe subscription was created.',
};
