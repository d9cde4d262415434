/**
 * FP16 models (float16 input and output, YOLOv5 `export.py --half`): the detector feeds float16 bits and
 * decodes float16 output, on the CPU provider here. The model is yolov5n with its input and output cast to
 * float16 (test/support/fp16-model.ts), so its detections must match the float32 model's up to half precision.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Detector } from '../../src/analysis/detector.js';
import { floatsToHalf } from '../../src/analysis/half.js';
import { loadImageTensor } from '../../src/analysis/image.js';
import { createAnalyzer } from '../../src/analysis/index.js';
import { toDetectedObjects } from '../../src/cli/commands/detect.js';
import { writeFp16IoModel } from '../support/fp16-model.js';
import { dynamicModelPath, modelPath, sharedImage, sharedVideo } from '../support/paths.js';

let dir: string;
let fp16Static: string;
let fp16Dynamic: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tally-fp16-'));
  fp16Static = path.join(dir, 'yolov5n-fp16.onnx');
  fp16Dynamic = path.join(dir, 'yolov5n-dynamic-fp16.onnx');
  await writeFp16IoModel(modelPath, fp16Static);
  await writeFp16IoModel(dynamicModelPath, fp16Dynamic);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h);
}

describe('an FP16 model on the detector', () => {
  let half: Detector;
  let full: Detector;
  beforeAll(async () => {
    [half, full] = await Promise.all([Detector.load({ modelPath: fp16Static, threads: 2 }), Detector.load({ modelPath, threads: 2 })]);
  });
  afterAll(async () => Promise.all([half?.close(), full?.close()]));

  it('reads float16 input and output from the model', () => {
    expect(half.metadata.inputType).toBe('float16');
    expect(half.metadata.outputType).toBe('float16');
    expect(half.inputType).toBe('float16');
    expect(full.metadata.inputType).toBe('float32');
    expect(half.metadata.names).toEqual(full.metadata.names);
  });

  it.each(['bus.jpg', 'zidane.jpg'])('%s: the same objects as the float32 model, up to half precision', async (name) => {
    const img = await loadImageTensor(sharedImage(name), 640, 640, 'reference');
    const [f] = await full.detect(img.tensor, [img.geometry], { conf: 0.25, iou: 0.45 });
    const expected = toDetectedObjects(f, full.names);
    // Fed float32 (converted inside) and fed float16 bits (as the frame source does): the same result.
    const bits = new Uint16Array(img.tensor.length);
    floatsToHalf(img.tensor, bits);
    for (const input of [img.tensor, bits]) {
      const [h] = await half.detect(input, [img.geometry], { conf: 0.25, iou: 0.45 });
      const got = toDetectedObjects(h, half.names);
      expect(got.map((d) => d.class)).toEqual(expected.map((d) => d.class));
      got.forEach((d, i) => {
        expect(Math.abs(d.conf - expected[i].conf)).toBeLessThanOrEqual(0.01);
        expect(iou(d.box, expected[i].box)).toBeGreaterThan(0.98);
      });
    }
    expect(expected.length).toBeGreaterThanOrEqual(3);
  });

  it('returns output0 as float16 bits', async () => {
    const out = await half.infer(new Uint16Array(3 * 640 * 640), 1, 640, 640);
    expect(out.data).toBeInstanceOf(Uint16Array);
    expect(out.dims).toEqual([1, 25200, 85]);
  });
});

it('analyses a video with an FP16 dynamic-batch model: the same counts as float32', async () => {
  const [half, full] = await Promise.all([createAnalyzer({ modelPath: fp16Dynamic, threads: 2 }), createAnalyzer({ modelPath: dynamicModelPath, threads: 2 })]);
  try {
    const video = sharedVideo('bus-pan-720p120-3s.mp4');
    const h = await half.analyze(video, { stride: 8 });
    const f = await full.analyze(video, { stride: 8 });
    expect(h.counts).toEqual(f.counts);
    expect(h.counts.bus).toBe(1);
    expect(h.analysis.framesAnalysed).toBe(f.analysis.framesAnalysed);
    expect(h.analysis.model).toBe('yolov5n-dynamic-fp16.onnx');
    expect(h.analysis.precision).toBe('fp16');
    expect(f.analysis.precision).toBe('fp32');
  } finally {
    await Promise.all([half.close(), full.close()]);
  }
}, 300_000);
