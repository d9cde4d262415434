/**
 * Fair scheduling across tenants with Bull priorities (lower runs first; equal priorities run FIFO).
 *
 * Each new job gets a virtual start time, as in start-time fair queuing:
 *
 *     priority = max(globalMin, tenantLast + 1)
 *
 * globalMin  is the lowest priority still waiting in the whole queue ("now" in virtual time);
 * tenantLast is the highest priority of the tenant's own waiting jobs (0 when none).
 *
 * Tenant A submits 100 videos → priorities 1..100. Tenant B then submits 1 → max(1, 0+1) = 1: it runs
 * next, after at most one of A's. If A's queue has moved on to 51, B's next ten get 51..60 and
 * interleave with A's 51..60: round-robin, not "B first until it catches up". Within a tenant,
 * priorities grow in submission order, which is deadline order (every job gets the same deadline).
 */
export function fairPriority(tenantLast: number, globalMin: number): number {
  return Math.max(1, globalMin, tenantLast + 1);
}

/** A job is at risk when it is not finished and its deadline is this close (or past). */
export const AT_RISK_MARGIN_MS = 5 * 60_000;

export function isAtRisk(deadlineAt: Date, now = Date.now()): boolean {
  return deadlineAt.getTime() - now < AT_RISK_MARGIN_MS;
}
