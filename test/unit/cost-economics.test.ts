import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/analysis/errors.js';
import { unitEconomics } from '../../src/cost/economics.js';

describe('unitEconomics', () => {
  const jobs = [
    // 30 s video: 6 s inference + 3 s decode = 9 busy seconds, 10 s wall.
    { videoSeconds: 30, inferenceSeconds: 6, decodeSeconds: 3, wallSeconds: 10 },
    // 90 s video: 18 + 9 = 27 busy seconds, 30 s wall.
    { videoSeconds: 90, inferenceSeconds: 18, decodeSeconds: 9, wallSeconds: 30 },
  ];

  it('charges busy seconds at the machine hourly price', () => {
    // 36 busy s × $3.60/h / 3600 = $0.036; 120 video-s = 2 video-minutes → $0.018 per minute.
    // Revenue $1 → margin (1 − 0.036) / 1 = 96.4 %.
    const e = unitEconomics({ jobs, machineHourlyUsd: 3.6, revenueUsd: 1 });
    expect(e.jobs).toBe(2);
    expect(e.machineSeconds).toBe(36);
    expect(e.costUsd).toBeCloseTo(0.036, 10);
    expect(e.videoMinutes).toBe(2);
    expect(e.costPerVideoMinute).toBeCloseTo(0.018, 10);
    expect(e.revenueUsd).toBe(1);
    expect(e.marginPct).toBeCloseTo(96.4, 10);
  });

  it('can charge wall-clock seconds instead', () => {
    // 40 wall s × $3.60/h / 3600 = $0.04.
    const e = unitEconomics({ jobs, machineHourlyUsd: 3.6, revenueUsd: 0.02, basis: 'wall' });
    expect(e.costUsd).toBeCloseTo(0.04, 10);
    expect(e.marginPct).toBeCloseTo(-100, 10); // (0.02 − 0.04) / 0.02: selling at a loss shows as a negative margin
  });

  it('gives nulls, not NaN or Infinity, without video or revenue', () => {
    const e = unitEconomics({ jobs: [], machineHourlyUsd: 3.6, revenueUsd: 0 });
    expect(e).toEqual({ jobs: 0, machineSeconds: 0, costUsd: 0, videoMinutes: 0, costPerVideoMinute: null, revenueUsd: 0, marginPct: null });
  });

  it.each([
    [{ jobs, machineHourlyUsd: -1, revenueUsd: 0 }, /machineHourlyUsd must be a number ≥ 0, got -1/],
    [{ jobs, machineHourlyUsd: 1, revenueUsd: Number.NaN }, /revenueUsd must be a number ≥ 0/],
    [{ jobs: [{ ...jobs[0], decodeSeconds: -3 }], machineHourlyUsd: 1, revenueUsd: 0 }, /jobs\[0\]\.decodeSeconds must be a number ≥ 0, got -3/],
  ])('rejects bad numbers, naming them', (input, message) => {
    expect(() => unitEconomics(input)).toThrow(InputError);
    expect(() => unitEconomics(input)).toThrow(message);
  });
});
