import { describe, expect, it } from '@jest/globals';
import { detectionsFrom } from '../../src/analysis/detections.js';
import { ByteTracker, DEFAULT_TRACKER_OPTIONS } from '../../src/analysis/tracker/index.js';
import { BUS, CAR, countsOf, HANDBAG, jitter, moving, PERSON, runScene, TRUCK, type Box, type Scene } from './tracker-support.js';

const walkerA = moving(100, 300, 80, 200, 300); // → 300 px/s
const walkerB = moving(1100, 320, 80, 200, -300); // ← crosses A around t = 1.5 s
const bus = moving(200, 150, 600, 400, 50);
const contained = (b: Box, inset: number): Box => [b[0] + inset, b[1] + inset, b[2] - inset, b[3] - inset];

interface CountCase {
  name: string;
  /** What the case proves. */
  proves: string;
  scene: Scene;
  fps: number;
  durationSec: number;
  stride?: number;
  cutsBeforeFrames?: number[];
  expected: Record<number, number>;
  /** Expected objects with more than one class, when the case is about it. */
  classFlips?: number;
}

const countCases: CountCase[] = [
  {
    name: 'crossing walkers',
    proves: 'two objects whose boxes overlap while they cross stay two objects',
    scene: (t, f) => [
      { box: jitter(walkerA(t), f) },
      { box: jitter(walkerB(t), f + 7) },
    ],
    fps: 120,
    durationSec: 3,
    expected: { [PERSON]: 2 },
  },
  {
    name: 'short occlusion',
    proves: 'an object hidden for 0.5 s (< lostTrackSeconds) and reappearing where predicted is one object',
    scene: (t, f) => (t >= 1 && t < 1.5 ? [] : [{ box: jitter(walkerA(t), f) }]),
    fps: 120,
    durationSec: 3,
    expected: { [PERSON]: 1 },
  },
  {
    name: 'one-frame flicker',
    proves: 'a single-frame detection is not an object',
    scene: (t, f) => [{ box: bus(t), classId: BUS }, ...(f === 40 ? [{ box: [900, 50, 960, 120] as Box }] : [])],
    fps: 30,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: '3-frame handbag',
    proves: 'a 3-frame (25 ms) detection at 120 fps is not an object, even a confident one',
    scene: (t, f) => [
      { box: bus(t), classId: BUS },
      ...(f >= 200 && f < 203 ? [{ box: [50, 600, 110, 680] as Box, classId: HANDBAG, score: 0.9 }] : []),
    ],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: 'inner duplicate in bursts',
    proves: 'a second box inside the real one, 5 frames in every 31 from the start, is not a second bus',
    scene: (t, f) => [
      { box: jitter(bus(t), f), classId: BUS, score: 0.85 },
      ...(f % 31 < 5 ? [{ box: jitter(contained(bus(t), 60), f + 3), classId: BUS, score: 0.6 }] : []),
    ],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: 'outer duplicate in bursts',
    proves: 'a bigger box around the real one, in bursts, is not a second bus (containment works both ways)',
    scene: (t, f) => [
      { box: jitter(bus(t), f), classId: BUS, score: 0.85 },
      ...(f % 31 >= 10 && f % 31 < 15 ? [{ box: contained(bus(t), -70), classId: BUS, score: 0.55 }] : []),
    ],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: 'partial duplicate in bursts',
    proves: 'a burst duplicate that is not contained (half outside) is still rejected by the hit ratio',
    scene: (t, f) => {
      const b = bus(t);
      const half: Box = [b[0] + 300, b[1], b[2] + 300, b[3]];
      return [{ box: jitter(b, f), classId: BUS }, ...(f % 31 < 5 ? [{ box: half, classId: BUS, score: 0.6 }] : [])];
    },
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: 'dense inner duplicate',
    proves: 'a box inside the real one in 20 of every 31 frames (hit ratio 0.65) is caught by containment alone',
    scene: (t, f) => [
      { box: jitter(bus(t), f), classId: BUS, score: 0.85 },
      ...(f % 31 >= 11 ? [{ box: jitter(contained(bus(t), 50), f + 3), classId: BUS, score: 0.6 }] : []),
    ],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1 },
  },
  {
    name: 'phantom person for 0.42 s',
    proves: 'a steady false detection shorter than minTrackSeconds in mid-video is not an object',
    scene: (t, f) => [
      { box: jitter(walkerA(t), f) },
      ...(t >= 1 && t < 1.42 ? [{ box: jitter([900, 100, 980, 300], f), score: 0.6 }] : []),
    ],
    fps: 120,
    durationSec: 4,
    expected: { [PERSON]: 1 },
  },
  {
    name: 'person entering for the last 0.5 s at 120 fps',
    proves: 'an object cut short by the end of the video (60 frames) still counts',
    scene: (t, f) => [{ box: bus(t), classId: BUS }, ...(t >= 2.5 ? [{ box: jitter(moving(1200, 300, 70, 200, -100)(t - 2.5), f) }] : [])],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1, [PERSON]: 1 },
  },
  {
    name: 'person entering for the last 0.5 s at 30 fps',
    proves: 'the same with only 15 analysed frames',
    scene: (t, f) => [{ box: bus(t), classId: BUS }, ...(t >= 2.5 ? [{ box: jitter(moving(1200, 300, 70, 200, -100)(t - 2.5), f) }] : [])],
    fps: 30,
    durationSec: 3,
    expected: { [BUS]: 1, [PERSON]: 1 },
  },
  {
    name: 'person walking past a bus',
    proves: 'class-aware matching: a person crossing in front of a bus neither takes its track nor is lost in it',
    scene: (t, f) => [
      { box: jitter(bus(t), f), classId: BUS },
      { box: jitter(walkerA(t), f + 1), classId: PERSON },
    ],
    fps: 120,
    durationSec: 3,
    expected: { [BUS]: 1, [PERSON]: 1 },
  },
  {
    name: 'driver stepping out',
    proves: 'a person appearing on a car while the car is missed starts its own track instead of being taken as the car',
    scene: (t, f) => [
      ...(t >= 1 && t < 1.5 ? [] : [{ box: jitter([400, 400, 600, 520], f), classId: CAR }]),
      ...(t >= 1 ? [{ box: jitter(moving(470, 340, 80, 180, 60)(t - 1), f + 5), classId: PERSON }] : []),
    ],
    fps: 120,
    durationSec: 4,
    expected: { [CAR]: 1, [PERSON]: 1 },
    classFlips: 0,
  },
  {
    name: 'scene cut',
    proves: 'nothing carries across a cut: the same box before and after it is two objects',
    scene: (t, f) => [{ box: jitter([400, 200, 600, 600], f) }],
    fps: 120,
    durationSec: 4,
    cutsBeforeFrames: [240],
    expected: { [PERSON]: 2 },
  },
];

describe('ByteTracker counts', () => {
  it.each(countCases)('$name: $proves', (c) => {
    const { result } = runScene(c.scene, c);
    expect(countsOf(result)).toEqual(c.expected);
    if (c.classFlips !== undefined) expect(result.classFlips).toBe(c.classFlips);
  });
});

/** One scene for the frame-rate test: two walkers crossing, a bus, flicker, a late arrival. */
const mixedScene: Scene = (t) => {
  const dets = [
    { box: walkerA(t) },
    { box: walkerB(t) },
    { box: bus(t), classId: BUS },
  ];
  // a 0.2 s false car and a late person, both defined in time so every sampling sees the same thing
  if (t >= 0.8 && t < 1) dets.push({ box: [1000, 50, 1100, 120], classId: CAR });
  if (t >= 3.5) dets.push({ box: moving(1180, 400, 60, 180, -80)(t - 3.5) });
  return dets;
};

describe('ByteTracker is frame-rate independent', () => {
  // the same scene at 120 fps, 30 fps, 120 fps stride 4 and 60 fps stride 3 (20 fps) gives the same objects
  it.each([
    { fps: 120, stride: 1 },
    { fps: 30, stride: 1 },
    { fps: 120, stride: 4 },
    { fps: 60, stride: 3 },
  ])('fps $fps stride $stride', ({ fps, stride }) => {
    const { result } = runScene(mixedScene, { fps, stride, durationSec: 4 });
    expect(countsOf(result)).toEqual({ [PERSON]: 3, [BUS]: 1 });
    expect(result.droppedTracks).toBe(1);
    const times = result.objects.map((o) => [o.classId, Math.round(o.firstSec * 10) / 10]);
    expect(times).toEqual(
      expect.arrayContaining([
        [PERSON, 0],
        [PERSON, 0],
        [BUS, 0],
        [PERSON, 3.5],
      ]),
    );
  });
});

describe('ByteTracker ids', () => {
  it('crossing walkers keep their ids: each visible box stays with the id it started with', () => {
    const { frames } = runScene((t, f) => [{ box: jitter(walkerA(t), f) }, { box: jitter(walkerB(t), f + 7) }], { fps: 120, durationSec: 3 });
    const idOfWalker = new Map<string, Set<number>>([
      ['A', new Set()],
      ['B', new Set()],
    ]);
    for (const { t, visible } of frames) {
      for (const v of visible) {
        const cx = (v.box[0] + v.box[2]) / 2;
        const ax = (walkerA(t)[0] + walkerA(t)[2]) / 2;
        const bx = (walkerB(t)[0] + walkerB(t)[2]) / 2;
        if (Math.abs(ax - bx) < 40) continue; // at the crossing both are in the same place
        idOfWalker.get(Math.abs(cx - ax) < Math.abs(cx - bx) ? 'A' : 'B')!.add(v.id);
      }
    }
    expect([...idOfWalker.get('A')!]).toHaveLength(1);
    expect([...idOfWalker.get('B')!]).toHaveLength(1);
    expect(idOfWalker.get('A')).not.toEqual(idOfWalker.get('B'));
  });

  it('an occluded object keeps its id across the gap', () => {
    const { frames, result } = runScene((t, f) => (t >= 1 && t < 1.5 ? [] : [{ box: jitter(walkerA(t), f) }]), { fps: 120, durationSec: 3 });
    const ids = new Set(frames.flatMap((f) => f.visible.map((v) => v.id)));
    expect([...ids]).toEqual([1]);
    expect(frames.find((f) => f.t > 1.5)!.visible).toHaveLength(1);
    expect(result.objects[0]).toMatchObject({ id: 1, firstFrame: 0, lastFrame: 359 });
  });

  it('ids are 1-based and restart after finish()', () => {
    const tracker = new ByteTracker();
    const scene: Scene = (t, f) => [{ box: jitter(walkerA(t), f) }];
    expect(runScene(scene, { fps: 30, durationSec: 2 }, tracker).result.objects.map((o) => o.id)).toEqual([1]);
    expect(runScene(scene, { fps: 30, durationSec: 2 }, tracker).result.objects.map((o) => o.id)).toEqual([1]);
  });
});

describe('ByteTracker summaries', () => {
  it('a car called a truck in 30% of frames is one car with a class flip', () => {
    const { result } = runScene((t, f) => [{ box: jitter(moving(300, 300, 240, 140, 120)(t), f), classId: f % 10 < 3 ? TRUCK : CAR }], {
      fps: 120,
      durationSec: 3,
    });
    expect(result.objects).toHaveLength(1);
    expect(result.objects[0]).toMatchObject({ classId: CAR, classFlips: true, hits: 360 });
    expect(result.classFlips).toBe(1);
  });

  it('records first/last times, hits, the best detection and dropped tracks', () => {
    const { result } = runScene(
      (t, f) => [
        ...(f >= 30 && f < 90 ? [{ box: [10, 10, 110, 210] as Box, score: f === 50 ? 0.95 : 0.7 }] : []),
        ...(f === 100 ? [{ box: [500, 10, 600, 210] as Box }] : []),
      ],
      { fps: 30, durationSec: 4 },
    );
    expect(result.objects).toEqual([
      { id: 1, classId: PERSON, classFlips: false, firstSec: 1, lastSec: 89 / 30, firstFrame: 30, lastFrame: 89, hits: 60, maxConf: expect.closeTo(0.95, 5), best: { frame: 50, timeSec: 50 / 30, box: [10, 10, 110, 210], conf: expect.closeTo(0.95, 5) } },
    ]);
    expect(result.droppedTracks).toBe(1);
    expect(result.sceneCuts).toBe(0);
  });

  it('low-score detections keep a track alive but never start one', () => {
    // high for 1 s, then 0.3 for 2 s: one object that lasts 3 s; a lone 0.3 box elsewhere is ignored
    const { result } = runScene(
      (t, f) => [
        { box: jitter(walkerA(t), f), score: t < 1 ? 0.8 : 0.3 },
        { box: [900, 500, 960, 600], score: 0.3 },
      ],
      { fps: 30, durationSec: 3 },
    );
    expect(result.objects).toHaveLength(1);
    expect(result.objects[0].lastFrame).toBe(89);
    expect(result.droppedTracks).toBe(0);
  });

  it('a scene cut keeps confirmed objects, counts the cut and judges short tracks like the end of a video', () => {
    const { result } = runScene((t, f) => (f < 100 ? [{ box: [10, 10, 110, 210] as Box }] : f < 130 ? [{ box: [500, 10, 600, 210] as Box }] : []), {
      fps: 120,
      durationSec: 2,
      cutsBeforeFrames: [100, 130],
    });
    // 100 frames (0.83 s) confirmed; 30 frames (0.24 s) cut short by the second cut: below minEndTrackSeconds
    expect(result.objects.map((o) => o.firstFrame)).toEqual([0]);
    expect(result.sceneCuts).toBe(2);
    expect(result.droppedTracks).toBe(1);
  });

  it('a track that vanished well before the end is not rescued by the end-of-video rule', () => {
    // 0.4 s of a person, then 0.6 s with nothing before the end: its hit ratio over its life is 0.4
    const { result } = runScene((t, f) => (t >= 2 && t < 2.4 ? [{ box: jitter([600, 200, 700, 450], f) }] : []), { fps: 120, durationSec: 3 });
    expect(result.objects).toHaveLength(0);
    expect(result.droppedTracks).toBe(1);
  });
});

describe('ByteTracker memory', () => {
  it('100k frames of a steady scene keep only the live tracks', () => {
    const tracker = new ByteTracker();
    let maxLive = 0;
    const still: Box[] = [
      [100, 100, 200, 300],
      [400, 100, 500, 300],
      [700, 300, 1000, 500],
    ];
    for (let f = 0; f < 100_000; f++) {
      const rows = still.map((box, i) => ({ box: jitter(box, f * 3 + i), score: 0.8, classId: i === 2 ? CAR : PERSON }));
      if (f % 500 === 0) rows.push({ box: [1100, 600, 1150, 650], score: 0.7, classId: HANDBAG }); // flicker
      tracker.update(detectionsFrom(rows), f, f / 120);
      maxLive = Math.max(maxLive, tracker.liveTrackCount);
    }
    expect(maxLive).toBeLessThanOrEqual(5);
    expect(tracker.endedObjectCount).toBe(0);
    const result = tracker.finish();
    expect(countsOf(result)).toEqual({ [PERSON]: 2, [CAR]: 1 });
    expect(result.droppedTracks).toBe(200);
    expect(tracker.liveTrackCount).toBe(0);
  });
});

describe('ByteTracker options', () => {
  it('describe() gives plain settings with units in the names', () => {
    const d = new ByteTracker({ lostTrackSeconds: 2 }).describe();
    expect(d).toMatchObject({ algorithm: 'bytetrack', lostTrackSeconds: 2, minTrackSeconds: DEFAULT_TRACKER_OPTIONS.minTrackSeconds });
    for (const v of Object.values(d)) expect(['number', 'string', 'boolean']).toContain(typeof v);
  });

  it.each([
    [{ minHitRatio: 1.5 }, /minHitRatio=1.5 must be a number in 0..1/],
    [{ lostTrackSeconds: -1 }, /lostTrackSeconds=-1 must be a number of seconds/],
    [{ lowConfThreshold: 0.6, highConfThreshold: 0.5 }, /lowConfThreshold=0.6 must not exceed highConfThreshold=0.5/],
  ])('rejects %j', (opts, message) => {
    expect(() => new ByteTracker(opts)).toThrow(message);
  });

  it('visible tracks are only confirmed ones, with this frame’s box', () => {
    const tracker = new ByteTracker({ minTrackSeconds: 0.1 });
    const box: Box = [10, 20, 110, 220];
    const seen = [];
    for (let f = 0; f < 6; f++) seen.push(tracker.update(detectionsFrom([{ box, score: 0.9, classId: PERSON }]), f, f / 30));
    expect(seen.map((v) => v.length)).toEqual([0, 0, 0, 1, 1, 1]); // 3/30 s = 0.1 s after the first frame
    expect(seen[5][0]).toEqual({ id: 1, classId: PERSON, box, conf: expect.closeTo(0.9, 5) });
  });
});

describe('ByteTracker visibility (the timeline)', () => {
  /** Runs a scene with a visibility sink; returns, per frame in the order told, its time and visible classes. */
  function told(scene: Scene, fps: number, durationSec: number, cutsBeforeFrames?: number[]) {
    const frames: { t: number; classes: number[] }[] = [];
    const tracker = new ByteTracker({}, (t, classIds) => frames.push({ t, classes: [...classIds] }));
    runScene(scene, { fps, durationSec, cutsBeforeFrames }, tracker);
    return frames;
  }
  const personFrom = (from: number, to = Infinity): Scene => (t, f) => (t >= from && t < to ? [{ box: jitter([300, 200, 380, 400], f) }] : []);

  it('an object counts as visible from its first detection, not from its confirmation', () => {
    // A person appears at 1.8 s and stays; confirmation comes minTrackSeconds (0.6 s) later, in second 2.
    const frames = told(personFrom(1.8), 10, 4);
    expect(frames.map((f) => f.t)).toEqual(Array.from({ length: 40 }, (_, i) => i / 10)); // every frame, in order
    const firstVisible = frames.find((f) => f.classes.length > 0);
    expect(firstVisible?.t).toBeCloseTo(1.8, 5);
    expect(frames.filter((f) => f.t >= 1.8).every((f) => f.classes.length === 1 && f.classes[0] === PERSON)).toBe(true);
  });

  it('a flicker that never becomes an object is never visible', () => {
    const frames = told(personFrom(1, 1.2), 10, 3);
    expect(frames.every((f) => f.classes.length === 0)).toBe(true);
  });

  it('frames are told at most 3 × minTrackSeconds late, and all of them by the end of the shot', () => {
    const frames: number[] = [];
    const tracker = new ByteTracker({}, (t) => frames.push(t));
    for (let f = 0; f < 30; f++) tracker.update(detectionsFrom([{ box: [0, 0, 50, 50], score: 0.8, classId: PERSON }]), f, f / 10);
    expect(frames.at(-1)).toBeCloseTo(2.9 - 3 * DEFAULT_TRACKER_OPTIONS.minTrackSeconds, 5);
    tracker.sceneCut();
    expect(frames).toHaveLength(30);
  });

  it('an object cut short by a scene cut is visible from its first frame too', () => {
    // Appears 0.4 s before the cut: confirmed at the cut by the end-of-shot rule (minEndTrackSeconds).
    const frames = told(personFrom(1.6, 2), 10, 3, [20]);
    expect(frames.filter((f) => f.classes.length).map((f) => f.t)).toEqual([1.6, 1.7, 1.8, 1.9].map((t) => expect.closeTo(t, 5)));
  });
});
