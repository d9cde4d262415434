import { BadRequestError } from '../common/errors.js';
import type { QuotaOverrides } from '../tenants/tenant.entity.js';
import type { Limits } from '../quotas/limits.js';
import { QUOTA_FIELDS } from './roles.js';

/**
 * The change-quota form → a tenant's new overrides. Each field: blank = the plan's value (no override);
 * a whole number ≥ 0; for monthly minutes also `unlimited`. A value equal to the plan's drops the override.
 * Fields absent from the form keep their current override. Pure; throws BadRequestError naming the field.
 */
export function quotaOverridesFromForm(form: Record<string, unknown>, plan: Limits, current: QuotaOverrides): QuotaOverrides {
  const next: QuotaOverrides = { ...current };
  for (const field of QUOTA_FIELDS) {
    if (!(field in form)) continue;
    const raw = String(form[field] ?? '').trim().toLowerCase();
    let value: number | null;
    if (raw === '') {
      delete next[field];
      continue;
    } else if (raw === 'unlimited' && field === 'maxVideoMinutesPerMonth') {
      value = null;
    } else {
      value = Number(raw);
      if (!Number.isSafeInteger(value) || value < 0) throw new BadRequestError('invalid_quota', `${field}: "${raw}" is not a whole number ≥ 0${field === 'maxVideoMinutesPerMonth' ? ' or "unlimited"' : ''}`);
    }
    if (value === plan[field]) delete next[field];
    else (next as Record<string, number | null>)[field] = value;
  }
  return next;
}
