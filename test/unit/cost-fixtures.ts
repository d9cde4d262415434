/** Fixtures for the cost tests: a price table and a profile with round numbers, so the tests' arithmetic is checkable by hand. */
import { validatePriceTable, type PriceTable } from '../../src/cost/prices.js';
import type { ThroughputProfile } from '../../src/cost/profile.js';

const p = (usd: number, unit: string) => ({ usd, unit, region: 'test-region', asOf: '2025-01-01', description: 'fixture', source: 'test' });

export const fixturePrices: PriceTable = validatePriceTable(
  {
    id: 'fixture',
    provider: 'test',
    currency: 'USD',
    hoursPerMonth: 730,
    note: 'round fixture prices',
    prices: {
      'vm.a2-highgpu-1g': p(4, 'hour'),
      'vm.a2-ultragpu-1g': p(5, 'hour'),
      'vm.g2-standard-8': p(1, 'hour'),
      'vm.n1-standard-8': p(0.4, 'hour'),
      'gpu.nvidia-tesla-t4': p(0.35, 'hour'),
      'vm.a3-highgpu-1g': p(11, 'hour'),
      'vm.c3-standard-8': p(0.5, 'hour'),
      'vm.n2-standard-4': p(0.2, 'hour'),
      'disk.pd-balanced': p(0.1, 'gb-month'),
      'disk.pd-ssd': p(0.2, 'gb-month'),
      'network.static-ip': p(0.01, 'hour'),
      'lb.forwarding-rule': p(0.02, 'hour'),
      'lb.data-processing': p(0.01, 'gb'),
      'gcs.standard-storage': p(0.02, 'gb-month'),
      'gcs.class-a-ops': p(0.005, '1000-ops'),
      'gcs.class-b-ops': p(0.0004, '1000-ops'),
      'network.internet-egress': p(0.1, 'gb'),
    },
  },
  'fixture',
);

/**
 * An A100 measured end to end. fp16: inference 400, decode 250, pipeline 200 frames/s;
 * fp32: inference 200, decode 250, pipeline 120. A slower batch-1 fp16 entry must lose to the batch-8 one.
 */
export const fixtureProfile: ThroughputProfile = {
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  device: 'NVIDIA A100-SXM4-40GB',
  gpu: 'a100-40gb',
  provider: 'cuda',
  entries: [
    { model: 'yolov5n', inputWidth: 640, inputHeight: 640, batch: 1, precision: 'fp16', inferenceFps: 150, decodeFps: 250, pipelineFps: 100 },
    { model: 'yolov5n', inputWidth: 640, inputHeight: 640, batch: 8, precision: 'fp16', inferenceFps: 400, decodeFps: 250, pipelineFps: 200 },
    { model: 'yolov5n', inputWidth: 640, inputHeight: 640, batch: 8, precision: 'fp32', inferenceFps: 200, decodeFps: 250, pipelineFps: 120 },
  ],
};

/** The seed scenario's flags as raw inputs (everything else at its default). */
export const seedRaw = { 'videos-per-burst': '100', duration: '30', fps: '120', 'deadline-minutes': '20', gpu: 'a100-40gb' };
