import type { VideoProbe } from '../analysis/probe.types.js';
import { PayloadTooLargeError, UnprocessableError } from '../common/errors.js';
import type { Plan } from '../plans/plan.entity.js';
import type { QuotaOverrides } from '../tenants/tenant.entity.js';

/** A tenant's limits: its plan's, with its overrides on top. */
export interface Limits {
  maxConcurrentJobs: number;
  /** null: unlimited. */
  maxVideoMinutesPerMonth: number | null;
  maxFileSizeBytes: number;
  maxDurationSec: number;
}

/** Resolution cap (4K UHD, either orientation). */
export const MAX_LONG_SIDE = 3840;
export const MAX_SHORT_SIDE = 2160;

export function effectiveLimits(plan: Plan, overrides: QuotaOverrides | null | undefined): Limits {
  const o = overrides ?? {};
  return {
    maxConcurrentJobs: o.maxConcurrentJobs ?? plan.maxConcurrentJobs,
    maxVideoMinutesPerMonth: o.maxVideoMinutesPerMonth !== undefined ? o.maxVideoMinutesPerMonth : plan.maxVideoMinutesPerMonth,
    maxFileSizeBytes: o.maxFileSizeBytes ?? plan.maxFileSizeBytes,
    maxDurationSec: o.maxDurationSec ?? plan.maxDurationSec,
  };
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

export function fileTooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError('file_too_large', `the file is larger than your plan's limit of ${formatBytes(limitBytes)} per video (max file size)`);
}

/** Checks what the probe says against the per-video limits; throws 413/422 naming the limit. */
export function checkVideoLimits(limits: Limits, probe: VideoProbe, sizeBytes: number): void {
  if (sizeBytes > limits.maxFileSizeBytes) throw fileTooLarge(limits.maxFileSizeBytes);
  if (probe.durationSec > limits.maxDurationSec) {
    throw new PayloadTooLargeError(
      'duration_too_long',
      `the video lasts ${probe.durationSec.toFixed(1)} s, over your plan's limit of ${limits.maxDurationSec} s per video (max duration)`,
    );
  }
  const long = Math.max(probe.displayWidth, probe.displayHeight);
  const short = Math.min(probe.displayWidth, probe.displayHeight);
  if (long > MAX_LONG_SIDE || short > MAX_SHORT_SIDE) {
    throw new UnprocessableError(
      'resolution_too_high',
      `the video is ${probe.displayWidth}×${probe.displayHeight}, over the limit of 4K (${MAX_LONG_SIDE}×${MAX_SHORT_SIDE})`,
    );
  }
}
