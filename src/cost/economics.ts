import { InputError } from '../analysis/errors.js';

/** What a finished job recorded, in seconds. */
export interface JobSeconds {
  /** Length of the analysed video. */
  videoSeconds: number;
  /** Time spent in the model (ONNX Runtime runs). */
  inferenceSeconds: number;
  /** Time spent decoding frames. */
  decodeSeconds: number;
  /** From start to finish of the job. */
  wallSeconds: number;
}

export interface UnitEconomicsInput {
  jobs: JobSeconds[];
  /** Configured hourly price of the machine the jobs ran on, USD. */
  machineHourlyUsd: number;
  /** Revenue over the same period, from the billing ledger, USD. */
  revenueUsd: number;
  /**
   * Which seconds a job is charged for. 'busy' (default): inference + decode seconds, the machine time
   * the job used; jobs that share a machine then share its cost. 'wall': wall-clock seconds, right when
   * a machine runs one job at a time and idles in between.
   */
  basis?: 'busy' | 'wall';
}

export interface UnitEconomics {
  jobs: number;
  machineSeconds: number;
  costUsd: number;
  videoMinutes: number;
  /** null when no video-minutes were analysed. */
  costPerVideoMinute: number | null;
  revenueUsd: number;
  /** (revenue − cost) / revenue × 100; null without revenue. */
  marginPct: number | null;
}

function check(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError('invalid_number', `${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
}

/**
 * Actual cost per video-minute from recorded job seconds and the machine's hourly price:
 * cost = Σ charged seconds × hourly / 3600; video-minutes = Σ videoSeconds / 60.
 * Idle machine time between jobs is not charged here (the estimator's fleet is; compare the two).
 */
export function unitEconomics(input: UnitEconomicsInput): UnitEconomics {
  check(input.machineHourlyUsd, 'machineHourlyUsd');
  check(input.revenueUsd, 'revenueUsd');
  const basis = input.basis ?? 'busy';
  let machineSeconds = 0;
  let videoSeconds = 0;
  input.jobs.forEach((job, i) => {
    for (const key of ['videoSeconds', 'inferenceSeconds', 'decodeSeconds', 'wallSeconds'] as const) check(job[key], `jobs[${i}].${key}`);
    machineSeconds += basis === 'wall' ? job.wallSeconds : job.inferenceSeconds + job.decodeSeconds;
    videoSeconds += job.videoSeconds;
  });
  const costUsd = (machineSeconds * input.machineHourlyUsd) / 3600;
  const videoMinutes = videoSeconds / 60;
  return {
    jobs: input.jobs.length,
    machineSeconds,
    costUsd,
    videoMinutes,
    costPerVideoMinute: videoMinutes > 0 ? costUsd / videoMinutes : null,
    revenueUsd: input.revenueUsd,
    marginPct: input.revenueUsd > 0 ? ((input.revenueUsd - costUsd) / input.revenueUsd) * 100 : null,
  };
}
