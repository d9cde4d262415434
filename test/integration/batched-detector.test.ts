/**
 * The batched detector on the real dynamic model, on CPU: frames of several jobs stacked into one
 * [N,3,H,W] tensor must give each frame the same output0 rows as running it alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Detector } from '../../src/analysis/detector.js';
import { letterboxGeometry } from '../../src/analysis/letterbox.js';
import { BatchedDetector, type FrameOutput, type FrameTensor } from '../../src/inference/batched-detector.js';
import { dynamicModelPath } from '../support/paths.js';

/** A deterministic frame with some structure (gradients plus noise), values 0..1. */
function syntheticFrame(seed: number, height: number, width: number): FrameTensor {
  const data = new Float32Array(3 * height * width);
  let state = seed * 2654435761;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        state = (state * 1103515245 + 12345) >>> 0;
        const noise = (state >>> 16) / 65536;
        data[(c * height + y) * width + x] = 0.5 * ((x * (c + 1) + y * seed) % width) / width + 0.5 * noise;
      }
    }
  }
  return { data, height, width };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('BatchedDetector on yolov5n-dynamic (CPU)', () => {
  let detector: Detector;
  const H = 384;
  const W = 640;
  const frames = [1, 2, 3, 4].map((seed) => syntheticFrame(seed, H, W));
  let alone: FrameOutput[];

  beforeAll(async () => {
    detector = await Detector.load({ modelPath: dynamicModelPath, executionProviders: ['cpu'], threads: 2 });
    alone = [];
    for (const f of frames) {
      const out = await detector.infer(f.data, 1, H, W);
      alone.push({ data: out.data.slice(), anchors: out.dims[1], rowSize: out.dims[2] });
    }
  });

  afterAll(async () => {
    await detector?.close();
  });

  it.each([1, 4])('gives every frame the rows it gets alone, at max batch size %i', async (maxBatchSize) => {
    const batched = new BatchedDetector(detector, { maxBatchSize, maxWaitMs: 20, maxQueuedPerJob: 4 });
    // Two jobs, two frames each, submitted together: at batch 4 they share one call.
    const results = await Promise.all([
      batched.infer('A', frames[0]),
      batched.infer('B', frames[1]),
      batched.infer('A', frames[2]),
      batched.infer('B', frames[3]),
    ]);
    expect(batched.stats().batchSizeHistogram).toEqual(maxBatchSize === 1 ? { 1: 4 } : { 4: 1 });
    results.forEach((result, i) => {
      expect({ anchors: result.anchors, rowSize: result.rowSize }).toEqual({ anchors: alone[i].anchors, rowSize: alone[i].rowSize });
      expect(maxAbsDiff(result.data, alone[i].data)).toBeLessThanOrEqual(1e-4); // measured here: exactly 0
    });
    await batched.close();
  });

  it('runs frames of different sizes in one batch call as one sub-batch per size', async () => {
    const square = syntheticFrame(5, 640, 640);
    const squareAlone = await detector.infer(square.data, 1, 640, 640);
    const batched = new BatchedDetector(detector, { maxBatchSize: 3, maxWaitMs: 20, maxQueuedPerJob: 4 });
    const [a, b, c] = await Promise.all([batched.infer('A', frames[0]), batched.infer('B', square), batched.infer('A', frames[1])]);
    expect(batched.stats().batchSizeHistogram).toEqual({ 3: 1 });
    expect(b.anchors).toBe(25200); // 640×640: (80² + 40² + 20²) × 3
    expect(a.anchors).toBe(15120); // 384×640: (48×80 + 24×40 + 12×20) × 3
    expect(maxAbsDiff(b.data, squareAlone.data)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(a.data, alone[0].data)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(c.data, alone[1].data)).toBeLessThanOrEqual(1e-4);
    await batched.close();
  });

  it('detect() gives the same Detections as the detector on its own', async () => {
    const geometry = letterboxGeometry(1920, 1080, W, H);
    const options = { conf: 0.001, iou: 0.45 }; // a low threshold keeps many boxes on synthetic frames
    const [expected] = await detector.detect(frames[2].data, [geometry], options);
    const batched = new BatchedDetector(detector, { maxBatchSize: 2, maxWaitMs: 20, maxQueuedPerJob: 2 });
    const [got] = await Promise.all([batched.detect('A', frames[2], geometry, options), batched.detect('B', frames[3], geometry, options)]);
    expect(expected.count).toBeGreaterThan(0);
    expect(got.count).toBe(expected.count);
    expect(Array.from(got.classIds.subarray(0, got.count))).toEqual(Array.from(expected.classIds.subarray(0, expected.count)));
    expect(maxAbsDiff(got.boxes.subarray(0, got.count * 4), expected.boxes.subarray(0, expected.count * 4))).toBeLessThanOrEqual(1e-4);
    await batched.close();
  });

  it('refuses a frame whose data does not fit its size without failing the others', async () => {
    const batched = new BatchedDetector(detector, { maxBatchSize: 2, maxWaitMs: 5, maxQueuedPerJob: 2 });
    const bad = batched.infer('A', { data: new Float32Array(10), height: H, width: W });
    const good = batched.infer('B', frames[0]);
    await expect(bad).rejects.toThrow('a frame of 640×384 needs 737280 floats, got 10');
    expect(maxAbsDiff((await good).data, alone[0].data)).toBeLessThanOrEqual(1e-4);
    await batched.close();
  });
});
