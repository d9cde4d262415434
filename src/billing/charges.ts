/**
 * Pure billing arithmetic: what a job is billed, and the charge a period's usage implies.
 * Units are in the names: seconds of video, and amounts in the currency's minor unit (cents), like Stripe.
 */

/** A job is billed its video's duration, rounded up to the next whole second. */
export function billableSeconds(videoDurationSec: number): number {
  if (!Number.isFinite(videoDurationSec) || videoDurationSec <= 0) return 0;
  // 30.000000001 s of probe rounding noise is still 30 s: round to the millisecond before the ceiling.
  return Math.ceil(Math.round(videoDurationSec * 1000) / 1000);
}

export interface PlanPricing {
  includedVideoMinutes: number;
  /** Cents per video-minute beyond the included ones; fractions allowed. */
  pricePerExtraMinuteCents: number;
  currency: string;
}

export interface ChargeEstimate {
  includedSeconds: number;
  overageSeconds: number;
  estimatedCharge: { amount: number; currency: string };
}

/**
 * Overage is billed per second at the per-minute price / 60 (the Stripe price is per video-second),
 * rounded to the nearest cent once for the period, as Stripe rounds an invoice line.
 */
export function estimateCharge(netVideoSeconds: number, plan: PlanPricing): ChargeEstimate {
  const includedSeconds = plan.includedVideoMinutes * 60;
  const overageSeconds = Math.max(0, netVideoSeconds - includedSeconds);
  const amount = Math.round((overageSeconds * plan.pricePerExtraMinuteCents) / 60);
  return { includedSeconds, overageSeconds, estimatedCharge: { amount, currency: plan.currency } };
}

/** What a credit of `seconds` video-seconds is worth at the plan's overage price, in cents (rounded up: in the customer's favour). */
export function creditValueCents(seconds: number, plan: Pick<PlanPricing, 'pricePerExtraMinuteCents'>): number {
  return Math.ceil((Math.abs(seconds) * plan.pricePerExtraMinuteCents) / 60);
}

/** Outbox backoff after `attempts` failed sends: base × 2^(attempts-1), at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
