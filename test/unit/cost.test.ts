import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../../src/analysis/errors.js';
import { estimateCost } from '../../src/cost/calculator.js';
import { builtInThroughput } from '../../src/cost/gpu-table.js';
import { resolveInputs } from '../../src/cost/inputs.js';
import { builtInPriceTable } from '../../src/cost/prices.js';
import { profileThroughput } from '../../src/cost/profile.js';
import type { CostEstimate } from '../../src/cost/types.js';
import { fixturePrices, fixtureProfile, seedRaw } from './cost-fixtures.js';

const profile = profileThroughput(fixtureProfile, 'fixture.json');
const estimate = (raw: Record<string, string> = {}): CostEstimate => estimateCost(resolveInputs({ ...seedRaw, ...raw }), fixturePrices, profile);
const item = (e: CostEstimate, prefix: string) => e.lineItems.find((i) => i.item.startsWith(prefix));
const step = (e: CostEstimate, name: string) => e.steps.find((s) => s.name === name)?.value;

describe('estimateCost: the seed scenario on the fixture profile and prices', () => {
  const e = estimate();

  it('sizes the fleet from the slowest measured stage', () => {
    // 30 s × 120 fps = 3,600 frames per video; stride 1 → 3,600 analysed; 100 videos → 360,000 per burst.
    expect(step(e, 'frames per video')).toBe(3600);
    expect(step(e, 'analysed frames per burst')).toBe(360_000);
    // Best fp16 entry is batch 8 (its slowest stage, 200 fps, beats batch 1's 100 fps).
    // inference 3600/400 = 9 s, decode 3600/250 = 14.4 s, pipeline 3600/200 = 18 s → 18 s, bound by the pipeline.
    expect(e.throughput.perVideoSeconds).toBe(18);
    expect(e.throughput.boundBy).toBe('pipeline');
    expect(e.throughputSource.kind).toBe('profile');
    expect(e.throughputSource.entry).toContain('batch 8');
    expect(step(e, 'GPU-seconds per burst')).toBe(1800); // 100 × 18 s
    // One GPU finishes floor(1200 s / (18 s × 1.3)) = floor(51.28) = 51 videos in time → ceil(100 / 51) = 2 GPUs.
    expect(step(e, 'burst videos one GPU finishes in time')).toBe(51);
    expect(step(e, 'GPUs for the burst')).toBe(2);
    // Daily: ceil(100 × 18 × 1.3 / 86,400) = ceil(0.027) = 1.
    expect(step(e, 'GPUs for the daily volume')).toBe(1);
    expect(e.gpus).toBe(2);
    // ceil(100 / 2) = 50 videos per GPU × 18 s = 900 s, inside the 1,200 s deadline.
    expect(step(e, 'burst finishes after')).toBe(900);
    expect(e.feasible).toBe(true);
    expect(e.vm).toMatchObject({ machineType: 'a2-highgpu-1g', count: 2, hourlyUsd: 4 });
  });

  it('prices every line item (730 h a month)', () => {
    // videos/month = 100 × 365/12 = 3,041.67; each video 20 Mbit/s × 30 s / 8 = 75 MB, each report 5 MB.
    expect(item(e, 'inference VM a2-highgpu-1g')?.monthlyUsd).toBe(5840); // 2 × 730 h × $4
    expect(item(e, 'inference VM boot disk')?.monthlyUsd).toBe(20); // 2 × 100 GB × $0.10
    expect(item(e, 'app VM n2-standard-4')?.monthlyUsd).toBe(292); // ceil(1000/500) = 2 × 730 h × $0.20
    expect(item(e, 'app VM disk')?.monthlyUsd).toBe(40); // 2 × 100 GB × $0.20
    expect(item(e, 'static external IP')?.monthlyUsd).toBe(7.3); // 730 h × $0.01
    expect(item(e, 'HTTPS load balancer forwarding rule')?.monthlyUsd).toBe(14.6); // 730 h × $0.02
    expect(item(e, 'HTTPS load balancer data processed')?.monthlyUsd).toBe(2.43); // 3,041.67 × 80 MB = 243.33 GB × $0.01
    expect(item(e, 'GCS standard storage')?.monthlyUsd).toBe(4.8); // 100/day × 30 days × 80 MB = 240 GB × $0.02
    expect(item(e, 'GCS Class A')?.monthlyUsd).toBe(0.03); // 6.083 thousand × $0.005
    expect(item(e, 'GCS Class B')?.monthlyUsd).toBe(0); // 6.083 thousand × $0.0004 = $0.0024
    expect(item(e, 'internet egress')?.monthlyUsd).toBe(1.52); // 3,041.67 × 5 MB = 15.21 GB × $0.10
    expect(e.lineItems).toHaveLength(11);
  });

  it('adds people, totals and unit costs', () => {
    // Day rate 120,000 / 220 = 545.45; build 30 × 545.45 = 16,363.64 + 15 × 545.45 = 8,181.82.
    expect(e.build.total).toBe(24_545.46);
    // Infrastructure 5840 + 20 + 292 + 40 + 7.30 + 14.60 + 2.43 + 4.80 + 0.03 + 0 + 1.52 = 6,222.68; maintenance 120,000 / 12.
    expect(e.monthly).toEqual({ infrastructure: 6222.68, people: 10_000, total: 16_222.68 });
    expect(e.firstYearTotal).toBe(219_217.62); // 24,545.46 + 12 × 16,222.68
    // 3,041.67 videos × 0.5 min = 1,520.83 video-minutes a month.
    expect(e.videoMinutesPerMonth).toBeCloseTo(1520.8333, 4);
    expect(e.costPerVideoMinute).toBeCloseTo(10.667, 4); // 16,222.68 / 1,520.83
    expect(e.costPerVideoMinuteInfrastructure).toBeCloseTo(4.0916, 4); // 6,222.68 / 1,520.83
    expect(e.costPerVideo).toBeCloseTo(5.3335, 4); // 16,222.68 / 3,041.67
    // (16,222.68 + 24,545.46 / 12) / 1,520.83 / (1 − 0.3) = 17.1599
    expect(e.breakEvenPricePerMinute).toBeCloseTo(17.1599, 4);
  });

  it('shows stride and precision sensitivity, where decode stops stride from helping', () => {
    const row = (stride: number, precision: string) => e.sensitivity.find((r) => r.stride === stride && r.precision === precision);
    expect(e.sensitivity).toHaveLength(6);
    expect(row(1, 'fp16')).toMatchObject({ perVideoSeconds: 18, gpus: 2, monthlyTotal: 16_222.68 });
    // Stride 2: inference 1800/400 = 4.5, pipeline 1800/200 = 9, decode still 3600/250 = 14.4 s → floor(1200/18.72) = 64 → 2 GPUs.
    expect(row(2, 'fp16')).toMatchObject({ perVideoSeconds: 14.4, gpus: 2 });
    expect(row(4, 'fp16')).toMatchObject({ perVideoSeconds: 14.4, gpus: 2 });
    // fp32 stride 1: pipeline 3600/120 = 30 s → floor(1200/39) = 30 per GPU → ceil(100/30) = 4 GPUs;
    // two more a2-highgpu-1g with disks = 2 × (2,920 + 10) → 6,222.68 + 5,860 + 10,000 = 22,082.68.
    expect(row(1, 'fp32')).toMatchObject({ perVideoSeconds: 30, gpus: 4, monthlyTotal: 22_082.68 });
    expect(row(2, 'fp32')).toMatchObject({ perVideoSeconds: 15, gpus: 2 }); // pipeline 1800/120 = 15 s
  });
});

describe('estimateCost: monotonicity and edges', () => {
  it('never needs fewer GPUs for more videos', () => {
    for (const [source, gpu] of [[profile, 'a100-40gb'], [builtInThroughput, 'cpu'], [builtInThroughput, 't4']] as const) {
      let previous = 0;
      for (let videos = 0; videos <= 400; videos += 7) {
        const inputs = resolveInputs({ ...seedRaw, gpu, 'videos-per-burst': String(videos), 'deadline-minutes': '3' });
        const gpus = estimateCost(inputs, fixturePrices, source).gpus!;
        expect(gpus).toBeGreaterThanOrEqual(previous);
        previous = gpus;
      }
      // More videos a day on top of the same burst never lowers it either.
      let daily = 0;
      for (let perDay = 100; perDay <= 100_000; perDay *= 3) {
        const inputs = resolveInputs({ ...seedRaw, gpu, 'videos-per-day': String(perDay) });
        const gpus = estimateCost(inputs, fixturePrices, source).gpus!;
        expect(gpus).toBeGreaterThanOrEqual(daily);
        daily = gpus;
      }
    }
  });

  it('reports a deadline shorter than one video as impossible, with the reason', () => {
    // One video takes 18 s on one GPU; a 15 s deadline (0.25 min) cannot be met by any number of GPUs.
    const e = estimate({ 'deadline-minutes': '0.25' });
    expect(e.feasible).toBe(false);
    expect(e.gpus).toBeNull();
    expect(e.monthly).toBeNull();
    expect(e.costPerVideoMinute).toBeNull();
    expect(e.impossible?.reason).toMatch(/one video alone takes 18 s on one a100-40gb \(bound by pipeline\), longer than the 15 s deadline/);
    expect(e.lineItems.some((i) => i.item.startsWith('inference VM'))).toBe(false);
    expect(e.sensitivity[0]).toMatchObject({ stride: 1, precision: 'fp16', feasible: false, gpus: null, reason: 'impossible: one video takes 18 s (pipeline) > the 15 s deadline' });
    // Stride 2 rescues it: the pipeline drops to 9 s and decode (every frame) to 14.4 s, within 15 s.
    expect(e.sensitivity.find((r) => r.stride === 2 && r.precision === 'fp16')?.feasible).toBe(true);
  });

  it('sizes one GPU per video, with a warning, when only the headroom does not fit', () => {
    // 18 s ≤ 21 s deadline but 18 × 1.3 = 23.4 s > 21 s.
    const e = estimate({ 'deadline-minutes': '0.35' });
    expect(e.gpus).toBe(100);
    expect(e.warnings.join('\n')).toMatch(/headroom 1.3 cannot be honoured/);
  });

  it('costs only the fixed items for zero videos', () => {
    const e = estimate({ 'videos-per-burst': '0' });
    expect(e.gpus).toBe(0);
    expect(item(e, 'inference VM a2-highgpu-1g')).toMatchObject({ quantity: 0, monthlyUsd: 0 });
    for (const i of e.lineItems) if (!i.fixed) expect(i.monthlyUsd).toBe(0);
    // App VMs 292 + app disks 40 + static IP 7.30 + forwarding rule 14.60.
    expect(e.monthly?.infrastructure).toBe(353.9);
    expect(e.monthly?.total).toBe(10_353.9);
    expect(e.costPerVideoMinute).toBeNull();
  });

  it('asks for a profile when the table has no figure', () => {
    const inputs = resolveInputs({ ...seedRaw, model: 'yolov5x' });
    expect(() => estimateCost(inputs, fixturePrices, builtInThroughput)).toThrow(/no figure for model yolov5x .* --profile FILE/);
    const wrongGpu = resolveInputs({ ...seedRaw, gpu: 'l4' });
    expect(() => estimateCost(wrongGpu, fixturePrices, profile)).toThrow(/measured on NVIDIA A100-SXM4-40GB \(a100-40gb\), not on l4/);
  });

  it('marks CPU fp16 as unavailable in the sensitivity rows instead of inventing it', () => {
    const e = estimateCost(resolveInputs({ ...seedRaw, gpu: 'cpu' }), fixturePrices, builtInThroughput);
    expect(e.lineItems[0].item).toContain('c3-standard-8');
    const fp16 = e.sensitivity.filter((r) => r.precision === 'fp16');
    expect(fp16.every((r) => r.gpus === null && /fp16 is not used on CPU/.test(r.reason ?? ''))).toBe(true);
  });
});

describe('resolveInputs', () => {
  it.each([
    [{ duration: '-5' }, /--duration must be > 0, got -5/],
    [{ 'videos-per-burst': '-1' }, /--videos-per-burst must be ≥ 0, got -1/],
    [{ gpu: 'v100' }, /--gpu v100 is unknown: use one of a100-40gb, a100-80gb, l4, t4, h100, cpu/],
    [{ stride: '0' }, /--stride must be ≥ 1, got 0/],
    [{ stride: '1.5' }, /--stride must be a whole number, got 1.5/],
    [{ fps: 'fast' }, /--fps must be a number, got "fast"/],
    [{ headroom: '0.9' }, /--headroom must be ≥ 1, got 0.9/],
    [{ margin: '1' }, /--margin must be < 1, got 1/],
    [{ precision: 'int8' }, /--precision int8 is unknown: use fp16 or fp32/],
    [{ 'input-size': '640by640' }, /--input-size must be a size like 640 or 640x384/],
    [{ 'videos-per-day': '10' }, /--videos-per-day \(10\) is less than --videos-per-burst \(100\)/],
  ])('rejects %j naming the flag', (bad, message) => {
    expect(() => resolveInputs({ ...seedRaw, ...bad })).toThrow(UsageError);
    expect(() => resolveInputs({ ...seedRaw, ...bad })).toThrow(message);
  });

  it('rejects missing required values', () => {
    const { fps: _fps, ...withoutFps } = seedRaw;
    expect(() => resolveInputs(withoutFps)).toThrow(/missing --fps: video frame rate/);
  });

  it('defaults to the seed and takes the profile GPU when --gpu is absent', () => {
    const { gpu: _gpu, ...rest } = seedRaw;
    const inputs = resolveInputs(rest, { gpu: 'l4' });
    expect(inputs).toMatchObject({ gpu: 'l4', precision: 'fp16', videosPerDay: 100, headroom: 1.3, concurrentUsers: 1000, inputWidth: 640, inputHeight: 640 });
    expect(resolveInputs({ ...seedRaw, gpu: 'cpu' }).precision).toBe('fp32');
  });
});

describe('the built-in price table', () => {
  it('validates, with a region, a date and a source for every price', () => {
    const table = builtInPriceTable();
    expect(table.note).toMatch(/list prices, verify before relying/i);
    for (const price of Object.values(table.prices)) {
      expect(price.region).toBe('us-central1');
      expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.source).toMatch(/^https:\/\/cloud\.google\.com\//);
    }
  });
});
