import { describe, expect, it } from '@jest/globals';
import { buildReport, VisibilityAccumulator, type ObjectSummary } from '../../src/analysis/report.js';
import type { VideoProbe } from '../../src/analysis/probe.types.js';

const names = ['person', 'bicycle', 'car'];
const probe: VideoProbe = {
  streamIndex: 0, codec: 'h264', width: 1280, height: 720, rotation: 0, displayWidth: 1280, displayHeight: 720,
  fps: 30, durationSec: 2.5, frames: 75, variableFrameRate: false, sizeBytes: 1, formatName: 'mp4',
};
const obj = (classId: number, firstSec: number, lastSec: number): ObjectSummary => ({
  classId, firstSec, lastSec, hits: 10, maxConf: 0.812345,
  best: { frame: Math.round(firstSec * 30), timeSec: firstSec, box: [1.04, 2.06, 3, 4], conf: 0.812345 },
});

describe('VisibilityAccumulator', () => {
  it('keeps the most objects visible at once per second and overall', () => {
    const v = new VisibilityAccumulator();
    v.add(0.1, [0, 0, 2]);
    v.add(0.5, [0]);
    v.add(1.2, [2, 2, 2]);
    expect(v.timeline(names, 2.5)).toEqual([
      { sec: 0, visible: { person: 2, car: 1 } },
      { sec: 1, visible: { car: 3 } },
      { sec: 2, visible: {} },
    ]);
    expect(v.peaks(names)).toEqual({ person: 2, car: 3 });
  });
});

describe('buildReport', () => {
  it('counts unique objects per class and orders objects by first appearance', () => {
    const report = buildReport({
      probe, names,
      objects: [obj(2, 1.5, 2), obj(0, 0.2, 1), obj(0, 0, 0.5)],
      visibility: new VisibilityAccumulator(),
      quality: { droppedTracks: 4, classFlips: 1, sceneCuts: 0 },
      analysis: {
        model: 'm', modelSha256: 'x', classes: names, inputSize: [640, 384], conf: 0.25, iou: 0.45, stride: 1,
        framesAnalysed: 75, executionProvider: 'cpu', tracker: {}, tallyVersion: '0.0.0',
      },
      timings: { wallMs: 1500.4, decodeMs: 10, inferenceMs: 1000, trackingMs: 5 },
    });
    expect(report.counts).toEqual({ person: 2, car: 1 });
    expect(report.objects.map((o) => [o.id, o.class, o.firstSec])).toEqual([[1, 'person', 0], [2, 'person', 0.2], [3, 'car', 1.5]]);
    expect(report.objects[0].best.box).toEqual([1, 2.1, 3, 4]);
    expect(report.objects[0].maxConf).toBe(0.8123);
    expect(report.timings.fps).toBe(49.99);
    expect(report.video).toEqual({ durationSec: 2.5, fps: 30, frames: 75, width: 1280, height: 720 });
  });
});
