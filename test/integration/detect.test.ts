/**
 * The detector end to end on the real model, ffmpeg and the shared images, checked against the
 * PyTorch reference (YOLOv5 v7.0 detect.py, conf 0.25, iou 0.45) in reference-detections.json.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Detector } from '../../src/analysis/detector.js';
import { loadImageTensor, type ImageResize } from '../../src/analysis/image.js';
import { toDetectedObjects, type DetectedObject } from '../../src/cli/commands/detect.js';
import { runCli } from '../support/cli.js';
import { dynamicModelPath, modelPath, sharedImage } from '../support/paths.js';

interface RefImage {
  width: number;
  height: number;
  detections: Array<{ cls: string; classId: number; conf: number; box: number[] }>;
}
const reference = JSON.parse(readFileSync(sharedImage('reference-detections.json'), 'utf8')) as { images: Record<string, RefImage> };
const IMAGES = ['bus.jpg', 'zidane.jpg'];

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/**
 * Every reference box is found with the same class, IoU ≥ 0.9 and |conf − ref| ≤ confTolerance;
 * nothing else is detected above 0.3.
 */
function expectMatchesReference(found: readonly DetectedObject[], ref: RefImage, confTolerance: number): void {
  const matched = new Set<number>();
  const misses: string[] = [];
  for (const r of ref.detections) {
    const best = found
      .map((f, i) => ({ i, f, iou: f.classId === r.classId ? iou(f.box, r.box) : 0 }))
      .sort((a, b) => b.iou - a.iou)[0];
    if (!best || best.iou < 0.9 || Math.abs(best.f.conf - r.conf) > confTolerance) {
      misses.push(`${r.cls} ${r.conf} [${r.box.join(', ')}]: best ${best ? `${best.f.class} ${best.f.conf} [${best.f.box.join(', ')}] IoU ${best.iou.toFixed(3)}` : 'none'}`);
    } else matched.add(best.i);
  }
  expect(misses).toEqual([]);
  const extra = found.filter((f, i) => !matched.has(i) && f.conf > 0.3);
  expect(extra).toEqual([]);
}

describe('Detector on the static model', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.load({ modelPath, threads: 2 });
  });
  afterAll(async () => {
    await detector.close();
  });

  it('reads the model metadata: 80 COCO names, stride 32, fixed 640×640 input, sha256', () => {
    const m = detector.metadata;
    expect(m.names).toHaveLength(80);
    expect([m.names[0], m.names[5], m.names[27], m.names[79]]).toEqual(['person', 'bus', 'tie', 'toothbrush']);
    expect(m.stride).toBe(32);
    expect(m.dynamic).toBe(false);
    expect(m.dynamicBatch).toBe(false);
    expect(m.inputName).toBe('images');
    expect(m.outputName).toBe('output0');
    expect(m.inputs[0].shape).toEqual([1, 3, 640, 640]);
    expect(m.modelName).toBe('yolov5n');
    expect(m.sha256).toBe('6364627b27f6094c6df2e1fdf95b6272a5c35c446c39c3e4ec7807121d1cbf32');
    expect(detector.executionProvider).toBe('cpu');
    expect(detector.inputSizeFor(1280, 720)).toEqual({ width: 640, height: 640 });
  });

  // 'reference' resizes like OpenCV INTER_LINEAR (as the reference did): the spec's 0.03 holds
  // with room to spare (measured ≤ 0.018). 'ffmpeg' is how video frames are letterboxed: swscale's
  // bilinear anti-aliases when shrinking, which moves scores by up to 0.033 here (bus.jpg's bus),
  // so its bound is 0.035 and documents that difference.
  it.each([
    ['bus.jpg', 'reference', 0.03],
    ['zidane.jpg', 'reference', 0.03],
    ['bus.jpg', 'ffmpeg', 0.035],
    ['zidane.jpg', 'ffmpeg', 0.035],
  ] as Array<[string, ImageResize, number]>)('%s (%s resize) matches the PyTorch reference within %p', async (name, resize, tolerance) => {
    const img = await loadImageTensor(sharedImage(name), 640, 640, resize);
    expect([img.width, img.height]).toEqual([reference.images[name].width, reference.images[name].height]);
    const [dets] = await detector.detect(img.tensor, [img.geometry], { conf: 0.25, iou: 0.45 });
    expectMatchesReference(toDetectedObjects(dets, detector.names), reference.images[name], tolerance);
  });

  it('decodes a batch of two images on a batch-1 model image by image', async () => {
    const a = await loadImageTensor(sharedImage('bus.jpg'), 640, 640, 'reference');
    const b = await loadImageTensor(sharedImage('zidane.jpg'), 640, 640, 'reference');
    const batch = new Float32Array(a.tensor.length * 2);
    batch.set(a.tensor, 0);
    batch.set(b.tensor, a.tensor.length);
    const [da, db] = await detector.detect(batch, [a.geometry, b.geometry], { conf: 0.25, iou: 0.45 });
    expect(da.count).toBe(reference.images['bus.jpg'].detections.length);
    expect(db.count).toBe(reference.images['zidane.jpg'].detections.length);
  });

  it('rejects an input size the static model cannot take', async () => {
    await expect(detector.run(new Float32Array(3 * 640 * 384), 1, 384, 640)).rejects.toThrow(/640×640/);
  });
});

describe('Detector on the dynamic model', () => {
  let dynamic: Detector;
  let fixed: Detector;
  beforeAll(async () => {
    [dynamic, fixed] = await Promise.all([Detector.load({ modelPath: dynamicModelPath, threads: 2 }), Detector.load({ modelPath, threads: 2 })]);
  });
  afterAll(async () => {
    await Promise.all([dynamic.close(), fixed.close()]);
  });

  it('reads symbolic input dims as dynamic and picks rectangular input sizes', () => {
    expect(dynamic.metadata.dynamic).toBe(true);
    expect(dynamic.metadata.dynamicBatch).toBe(true);
    expect(dynamic.metadata.names).toEqual(fixed.metadata.names);
    expect(dynamic.inputSizeFor(1280, 720)).toEqual({ width: 640, height: 384 });
    expect(dynamic.inputSizeFor(810, 1080)).toEqual({ width: 480, height: 640 });
  });

  it.each(IMAGES)('%s at 640×640 gives the same boxes as the static model', async (name) => {
    const img = await loadImageTensor(sharedImage(name), 640, 640, 'reference');
    const [d] = await dynamic.detect(img.tensor, [img.geometry], { conf: 0.25, iou: 0.45 });
    const [s] = await fixed.detect(img.tensor, [img.geometry], { conf: 0.25, iou: 0.45 });
    const dyn = toDetectedObjects(d, dynamic.names);
    const stat = toDetectedObjects(s, fixed.names);
    expect(dyn.map((r) => r.classId)).toEqual(stat.map((r) => r.classId));
    dyn.forEach((r, i) => {
      expect(Math.abs(r.conf - stat[i].conf)).toBeLessThanOrEqual(0.001);
      expect(iou(r.box, stat[i].box)).toBeGreaterThan(0.999);
    });
    expectMatchesReference(dyn, reference.images[name], 0.03);
  });

  it('runs a real batch of two in one call', async () => {
    const a = await loadImageTensor(sharedImage('zidane.jpg'), 640, 384, 'reference');
    const batch = new Float32Array(a.tensor.length * 2);
    batch.set(a.tensor, 0);
    batch.set(a.tensor, a.tensor.length);
    const out = await dynamic.run(batch, 2, 384, 640);
    expect(out.length).toBe(2 * 15120 * 85);
    const [d0, d1] = await dynamic.detect(batch, [a.geometry, a.geometry], { conf: 0.25, iou: 0.45 });
    expect(d0.count).toBeGreaterThanOrEqual(2);
    expect(Array.from(d1.scores.subarray(0, d1.count))).toEqual(Array.from(d0.scores.subarray(0, d0.count)));
  });
});

describe('Detector.load', () => {
  it('falls back to the next execution provider and says why', async () => {
    const d = await Detector.load({ modelPath, threads: 1, executionProviders: ['cuda', 'cpu'] });
    try {
      expect(['cuda', 'cpu']).toContain(d.executionProvider);
      if (d.executionProvider === 'cpu') expect(d.providerFailures[0]).toMatch(/^cuda: /);
    } finally {
      await d.close();
    }
  });

  it('TensorRT settings reach the provider through its environment; precision follows the provider that loaded', async () => {
    const saved = { fp16: process.env.ORT_TENSORRT_FP16_ENABLE, cache: process.env.ORT_TENSORRT_CACHE_PATH };
    const d = await Detector.load({ modelPath, threads: 1, executionProviders: ['tensorrt', 'cpu'], tensorrtFp16: true, tensorrtCacheDir: '/tmp/tally-trt-cache' });
    try {
      expect(process.env.ORT_TENSORRT_FP16_ENABLE).toBe('1');
      expect(process.env.ORT_TENSORRT_ENGINE_CACHE_ENABLE).toBe('1');
      expect(process.env.ORT_TENSORRT_CACHE_PATH).toBe('/tmp/tally-trt-cache');
      // FP16 engines only on TensorRT: where it does not load (no GPU here), the CPU computes in fp32.
      expect(d.precision).toBe(d.executionProvider === 'tensorrt' ? 'fp16' : 'fp32');
    } finally {
      await d.close();
      for (const [k, v] of [['ORT_TENSORRT_FP16_ENABLE', saved.fp16], ['ORT_TENSORRT_CACHE_PATH', saved.cache]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('rejects an unknown provider and a missing model with a UsageError', async () => {
    await expect(Detector.load({ modelPath, executionProviders: ['tpu'] })).rejects.toThrow(/unknown execution provider 'tpu'/);
    await expect(Detector.load({ modelPath: '/nonexistent/model.onnx' })).rejects.toThrow(/model file not found/);
  });
});

describe('tally detect', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tally-detect-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = runCli;

  it('prints the detections of bus.jpg as JSON, matching the reference', async () => {
    const { code, stdout } = await cli(['detect', sharedImage('bus.jpg'), '--model', modelPath, '--threads', '2', '--resize', 'reference']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { detections: DetectedObject[] };
    expect(Object.keys(parsed)).toEqual(['detections']);
    for (const d of parsed.detections) {
      expect(Object.keys(d)).toEqual(['class', 'classId', 'conf', 'box']);
      expect(d.conf).toBe(Math.round(d.conf * 10000) / 10000);
      d.box.forEach((v) => expect(v).toBe(Math.round(v * 10) / 10));
    }
    expectMatchesReference(parsed.detections, reference.images['bus.jpg'], 0.03);
  });

  it('prints a table with --format table', async () => {
    const { code, stdout } = await cli(['detect', sharedImage('zidane.jpg'), '--model', modelPath, '--threads', '2', '--format', 'table']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^class\s+id\s+conf/);
    expect(stdout).toMatch(/\n3 detections\n$/);
  });

  it('a missing image: exit 3 and one line', async () => {
    const { code, stdout, stderr } = await cli(['detect', path.join(dir, 'nope.jpg'), '--model', modelPath]);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^tally: image not found: .*nope\.jpg\n$/);
  });

  it('a text file named .jpg: exit 3 and one line', async () => {
    const fake = path.join(dir, 'fake.jpg');
    writeFileSync(fake, 'this is not a picture\n');
    const { code, stderr } = await cli(['detect', fake, '--model', modelPath]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^tally: .*fake\.jpg is not an image ffmpeg can read\n$/);
  });

  it('a missing model: exit 2 (usage) and one line naming the setting', async () => {
    const { code, stderr } = await cli(['detect', sharedImage('bus.jpg'), '--model', path.join(dir, 'none.onnx')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tally: model file not found: .*none\.onnx \(set TALLY_MODEL_PATH or pass --model\)\n$/);
  });
});
