/**
 * Unique counts on the shared videos (real ffmpeg, the real yolov5n model), at stride 1 and 4.
 * Expected ranges from ../shared/videos/README.md: a per-frame counter gets these wrong (a
 * duplicate bus box, a phantom third person, a 3-frame handbag, objects on both sides of a cut).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAnalyzer, type Analyzer, type Report } from '../../src/analysis/index.js';
import { modelPath, sharedVideo } from '../support/paths.js';

type Expected = Record<string, [number, number]>;

const CASES: Array<[string, Expected]> = [
  ['bus-pan-720p120-3s.mp4', { person: [3, 4], bus: [1, 1] }],
  ['zidane-zoom-720p120-4s.mp4', { person: [2, 2], tie: [1, 2] }],
  ['cut-bus-then-zidane-720p120-4s.mp4', { person: [5, 6], bus: [1, 1], tie: [1, 2] }],
];

function expectCounts(report: Report, expected: Expected): void {
  // Nothing else: the classes found are exactly the expected ones.
  expect(Object.keys(report.counts).sort()).toEqual(Object.keys(expected).sort());
  for (const [cls, [min, max]] of Object.entries(expected)) {
    expect(report.counts[cls]).toBeGreaterThanOrEqual(min);
    expect(report.counts[cls]).toBeLessThanOrEqual(max);
  }
}

describe('tally analyze: unique counts', () => {
  let analyzer: Analyzer;
  const reports = new Map<string, Report>();
  beforeAll(async () => {
    analyzer = await createAnalyzer({ modelPath, threads: 2 });
  });
  afterAll(async () => analyzer?.close());

  describe.each([1, 4])('stride %i', (stride) => {
    it.each(CASES)('%s', async (video, expected) => {
      const report = await analyzer.analyze(sharedVideo(video), { stride });
      reports.set(`${video}@${stride}`, report);
      expectCounts(report, expected);
      expect(report.analysis.stride).toBe(stride);
      expect(report.analysis.framesAnalysed).toBe(Math.ceil(report.video.frames / stride));
    }, 600_000); // 480 frames on a loaded 2-core CI machine can take minutes
  });

  it('reports objects with evidence, a timeline, peaks and reproducible settings', () => {
    const report = reports.get('bus-pan-720p120-3s.mp4@1');
    if (!report) throw new Error('stride 1 bus-pan report missing');
    expect(report.video).toEqual({ durationSec: 3, fps: 120, frames: 360, width: 1280, height: 720 });
    const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
    expect(report.objects).toHaveLength(total);
    for (const o of report.objects) {
      expect(o.lastSec).toBeGreaterThanOrEqual(o.firstSec);
      expect(o.best.conf).toBe(o.maxConf);
      const [x1, y1, x2, y2] = o.best.box;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(1280);
      expect(y2).toBeLessThanOrEqual(720);
      expect(x2).toBeGreaterThan(x1);
    }
    expect(report.timeline).toHaveLength(3);
    expect(report.peak.bus).toBe(1);
    expect(report.peak.person).toBeLessThanOrEqual(report.counts.person);
    expect(report.analysis).toMatchObject({ model: 'yolov5n.onnx', conf: 0.25, iou: 0.45, executionProvider: 'cpu', classes: expect.arrayContaining(['person', 'bus']) });
    expect(report.analysis.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.timings.fps).toBeGreaterThan(0);
  });

  it('does not carry objects across a scene cut', () => {
    const report = reports.get('cut-bus-then-zidane-720p120-4s.mp4@1');
    if (!report) throw new Error('stride 1 cut report missing');
    expect(report.quality.sceneCuts).toBe(1);
    // The cut is at 2 s: no object spans it.
    for (const o of report.objects) expect(o.firstSec >= 2 || o.lastSec < 2).toBe(true);
  });

  it.each(['cut-bus-then-zidane-720p120-4s.mp4@1', 'cut-bus-then-zidane-720p120-4s.mp4@4', 'bus-pan-720p120-3s.mp4@4'])(
    '%s: the timeline shows every object in the second it was first seen and the one it was last seen',
    (key) => {
      const report = reports.get(key);
      if (!report) throw new Error(`${key} report missing`);
      for (const o of report.objects) {
        for (const sec of [Math.floor(o.firstSec), Math.floor(o.lastSec)]) {
          expect({ object: o.id, sec, visible: report.timeline[sec].visible[o.class] ?? 0 }).toEqual({ object: o.id, sec, visible: expect.any(Number) });
          expect(report.timeline[sec].visible[o.class]).toBeGreaterThanOrEqual(1);
        }
      }
    },
  );

  it('reports progress and can be canceled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = analyzer.analyze(sharedVideo('bus-pan-720p120-3s.mp4'), {
      stride: 2,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.fraction);
        if (p.fraction > 0.2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
  });
});
