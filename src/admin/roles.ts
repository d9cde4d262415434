import type { QuotaOverrides } from '../tenants/tenant.entity.js';
import type { Limits } from '../quotas/limits.js';
import type { StaffRole } from './staff-user.entity.js';

/**
 * What each staff role may do in the admin panel. Enforced on the server: every AdminJS action's
 * `isAccessible` asks `can()`, and the API gate (admin.loader.ts) refuses a forbidden action with 403
 * before AdminJS runs it. `isVisible` uses the same answer, so the UI shows only what works.
 */
export const PERMISSIONS = [
  'view', // lists, records, dashboard, Bull Board, economics
  'retryJob',
  'cancelJob',
  'revokeApiKey',
  'resetPassword', // a single-use link for a customer locked out of the portal
  'raiseQuota', // within the tenant's plan limits (quotaChangeProblem)
  'setAnyQuota', // beyond the plan, or lower
  'edit', // generic edit forms (tenants' plans and status included)
  'create',
  'delete',
  'suspendTenant',
  'issueCredit',
  'manageStaff',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const SUPPORT: readonly Permission[] = ['view', 'retryJob', 'cancelJob', 'revokeApiKey', 'resetPassword', 'raiseQuota'];

export const GRANTS: Record<StaffRole, readonly Permission[]> = {
  support: SUPPORT,
  admin: PERMISSIONS,
};

/** The signed-in staff member as AdminJS keeps it in the session (`currentAdmin`). */
export interface StaffPrincipal {
  id: string;
  email: string;
  role: StaffRole;
  title?: string;
}

export function can(who: Pick<StaffPrincipal, 'role'> | null | undefined, permission: Permission): boolean {
  if (!who) return false;
  return (GRANTS[who.role] ?? []).includes(permission);
}

export const QUOTA_FIELDS = ['maxConcurrentJobs', 'maxVideoMinutesPerMonth', 'maxFileSizeBytes', 'maxDurationSec'] as const satisfies readonly (keyof QuotaOverrides)[];

/** null = unlimited, larger than any number. */
const atMost = (a: number | null, b: number | null): boolean => (b === null ? true : a !== null && a <= b);

/**
 * Why `role` may not change a tenant's limits from `current` to `next`, or null when it may.
 * Support may only raise a limit, and no higher than the tenant's plan allows (`plan`); admins may set
 * any value. `next` holds the limits after the change (overrides applied).
 */
export function quotaChangeProblem(role: StaffRole, plan: Limits, current: Limits, next: Limits): string | null {
  if (can({ role }, 'setAnyQuota')) return null;
  if (!can({ role }, 'raiseQuota')) return 'your role cannot change quotas';
  for (const field of QUOTA_FIELDS) {
    if (next[field] === current[field]) continue;
    if (!atMost(current[field], next[field])) return `${field}: support can only raise a quota (from ${current[field] ?? 'unlimited'}), not lower it`;
    if (!atMost(next[field], plan[field])) return `${field}: ${next[field] ?? 'unlimited'} is over the plan's limit of ${plan[field] ?? 'unlimited'}; only an admin can go beyond the plan`;
  }
  return null;
}
