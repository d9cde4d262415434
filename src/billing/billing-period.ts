import { BadRequestError } from '../common/errors.js';

/** A billing period: one calendar month in UTC, [start, end). */
export interface BillingPeriod {
  start: Date;
  end: Date;
}

/** The calendar month (UTC) that contains `at`. */
export function periodOf(at: Date): BillingPeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

/** `YYYY-MM` → that month; undefined or '' → the current month. */
export function parsePeriod(value: string | undefined, now = new Date()): BillingPeriod {
  if (value === undefined || value === '') return periodOf(now);
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) throw new BadRequestError('invalid_period', `period "${value}" is not a month: use YYYY-MM, e.g. 2026-11`);
  return periodOf(new Date(Date.UTC(Number(m[1]), month - 1, 1)));
}

/** `2026-11` */
export function periodLabel(period: BillingPeriod): string {
  return period.start.toISOString().slice(0, 7);
}
