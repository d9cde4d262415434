import { describe, expect, it } from '@jest/globals';
import { boxAt, createDetections, type Detections } from '../../src/analysis/detections.js';
import { letterboxGeometry } from '../../src/analysis/letterbox.js';
import { anchorsFor, YoloDecoder, type DecodeOptions } from '../../src/analysis/yolo-decode.js';

const NC = 4;
const ROW = 5 + NC;

interface Row {
  /** x1, y1, x2, y2 in input pixels (written to the tensor as cx, cy, w, h). */
  box: [number, number, number, number];
  obj: number;
  /** Class probabilities; missing ones are 0. */
  cls: Record<number, number>;
}

/** A hand-built output0 [images.length, anchors, 5 + NC]; unused anchors are all zero. */
function output(images: Row[][], anchors = 16): Float32Array {
  const data = new Float32Array(images.length * anchors * ROW);
  images.forEach((rows, b) => {
    rows.forEach((r, i) => {
      const o = (b * anchors + i) * ROW;
      const [x1, y1, x2, y2] = r.box;
      data.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, r.obj], o);
      for (const [c, p] of Object.entries(r.cls)) data[o + 5 + Number(c)] = p;
    });
  });
  return data;
}

function decode(rows: Row[], options: Partial<DecodeOptions> = {}, anchors = 16): Detections {
  return new YoloDecoder().decode(output([rows], anchors), { anchors, rowSize: ROW }, 0, { conf: 0.25, iou: 0.45, ...options });
}

function rowsOf(d: Detections): Array<{ box: number[]; score: number; classId: number }> {
  return Array.from({ length: d.count }, (_, i) => ({
    box: boxAt(d, i).map((v) => Math.round(v * 1000) / 1000),
    score: Math.round(d.scores[i] * 10000) / 10000,
    classId: d.classIds[i],
  }));
}

describe('YoloDecoder: thresholds and classes', () => {
  it('turns cx, cy, w, h into x1, y1, x2, y2 and scores objectness × class probability', () => {
    const d = decode([{ box: [10, 20, 50, 100], obj: 0.9, cls: { 2: 0.8 } }]);
    expect(rowsOf(d)).toEqual([{ box: [10, 20, 50, 100], score: 0.72, classId: 2 }]);
  });

  it('rejects low objectness even when a class probability is 1', () => {
    expect(decode([{ box: [0, 0, 10, 10], obj: 0.2, cls: { 0: 1 } }]).count).toBe(0);
  });

  it('rejects when objectness passes but objectness × class does not (0.5 × 0.4 = 0.2 < 0.25)', () => {
    expect(decode([{ box: [0, 0, 10, 10], obj: 0.5, cls: { 1: 0.4 } }]).count).toBe(0);
  });

  it('keeps only the best class of a box (multi_label=False)', () => {
    const d = decode([{ box: [0, 0, 10, 10], obj: 1, cls: { 0: 0.6, 3: 0.7 } }]);
    expect(rowsOf(d)).toEqual([{ box: [0, 0, 10, 10], score: 0.7, classId: 3 }]);
  });

  it('uses strict thresholds (score equal to conf is dropped, as YOLOv5 does)', () => {
    expect(decode([{ box: [0, 0, 10, 10], obj: 0.5, cls: { 0: 1 } }], { conf: 0.5 }).count).toBe(0);
  });

  it('skips rows of NaN', () => {
    expect(decode([{ box: [0, 0, 10, 10], obj: Number.NaN, cls: { 0: 1 } }]).count).toBe(0);
  });

  it('returns rows sorted by score, best first', () => {
    const d = decode([
      { box: [0, 0, 10, 10], obj: 0.5, cls: { 0: 1 } },
      { box: [100, 0, 110, 10], obj: 0.9, cls: { 0: 1 } },
      { box: [200, 0, 210, 10], obj: 0.7, cls: { 0: 1 } },
    ]);
    expect(Array.from(d.scores.subarray(0, d.count))).toEqual([0.8999999761581421, 0.699999988079071, 0.5]);
  });
});

describe('YoloDecoder: NMS', () => {
  // A = [0,0,10,10] (area 100). B = [0,0,10,5] overlaps A with IoU exactly 50/100 = 0.5.
  const A: Row['box'] = [0, 0, 10, 10];
  const HALF_OF_A: Row['box'] = [0, 0, 10, 5];

  it.each([
    // [why, rows, options, expected kept [classId, score] pairs]
    [
      'overlapping boxes of one class: the lower score is suppressed',
      [
        { box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } },
        { box: [1, 1, 11, 11], obj: 0.8, cls: { 0: 1 } },
      ],
      {},
      [[0, 0.9]],
    ],
    [
      'the same overlap across two classes: both kept (per-class NMS)',
      [
        { box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } },
        { box: [1, 1, 11, 11], obj: 0.8, cls: { 1: 1 } },
      ],
      {},
      [
        [0, 0.9],
        [1, 0.8],
      ],
    ],
    [
      'class-agnostic NMS suppresses across classes',
      [
        { box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } },
        { box: [1, 1, 11, 11], obj: 0.8, cls: { 1: 1 } },
      ],
      { classAgnostic: true },
      [[0, 0.9]],
    ],
    [
      'IoU exactly at the threshold is kept (suppression needs IoU > iou)',
      [
        { box: A, obj: 0.9, cls: { 0: 1 } },
        { box: HALF_OF_A, obj: 0.8, cls: { 0: 1 } },
      ],
      { iou: 0.5 },
      [
        [0, 0.9],
        [0, 0.8],
      ],
    ],
    [
      'IoU just above the threshold is suppressed',
      [
        { box: A, obj: 0.9, cls: { 0: 1 } },
        { box: HALF_OF_A, obj: 0.8, cls: { 0: 1 } },
      ],
      { iou: 0.49 },
      [[0, 0.9]],
    ],
    [
      'the lower-scored box suppresses nothing: input order does not matter',
      [
        { box: HALF_OF_A, obj: 0.8, cls: { 0: 1 } },
        { box: A, obj: 0.9, cls: { 0: 1 } },
      ],
      { iou: 0.49 },
      [[0, 0.9]],
    ],
    [
      'greedy chain: A suppresses B, and suppressed B does not suppress C',
      [
        { box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } },
        { box: [4, 0, 14, 10], obj: 0.8, cls: { 0: 1 } }, // IoU(A,B) = 60/140 = 0.43 → with iou 0.4 suppressed
        { box: [8, 0, 18, 10], obj: 0.7, cls: { 0: 1 } }, // IoU(A,C) = 20/180 = 0.11, IoU(B,C) = 0.43
      ],
      { iou: 0.4 },
      [
        [0, 0.9],
        [0, 0.7],
      ],
    ],
    [
      'touching boxes (zero-area intersection) never suppress each other',
      [
        { box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } },
        { box: [10, 0, 20, 10], obj: 0.8, cls: { 0: 1 } },
      ],
      { iou: 0 },
      [
        [0, 0.9],
        [0, 0.8],
      ],
    ],
  ] as Array<[string, Row[], Partial<DecodeOptions>, Array<[number, number]>]>)('%s', (_why, rows, options, expected) => {
    const got = rowsOf(decode(rows, options)).map((r) => [r.classId, r.score]);
    expect(got).toEqual(expected);
  });

  it('keeps at most maxDet boxes, the best ones', () => {
    const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({ box: [i * 20, 0, i * 20 + 10, 10], obj: 0.3 + i * 0.01, cls: { 0: 1 } }));
    const d = decode(rows, { maxDet: 10 }, 64);
    expect(d.count).toBe(10);
    expect(d.scores[0]).toBeCloseTo(0.79, 5);
    expect(d.scores[9]).toBeCloseTo(0.7, 5);
  });

  it('keeps at most maxNms candidates before NMS, the best ones', () => {
    const rows: Row[] = Array.from({ length: 20 }, (_, i) => ({ box: [i * 20, 0, i * 20 + 10, 10], obj: 0.3 + i * 0.01, cls: { 0: 1 } }));
    const d = decode(rows, { maxNms: 5 }, 32);
    expect(d.count).toBe(5);
    expect(d.scores[4]).toBeCloseTo(0.45, 5);
  });
});

describe('YoloDecoder: batches, letterbox and buffer reuse', () => {
  it('decodes each image of a batch from its own rows', () => {
    const data = output([
      [{ box: [0, 0, 10, 10], obj: 0.9, cls: { 1: 1 } }],
      [
        { box: [5, 5, 20, 20], obj: 0.8, cls: { 2: 1 } },
        { box: [50, 5, 60, 20], obj: 0.7, cls: { 3: 1 } },
      ],
    ]);
    const decoder = new YoloDecoder();
    const layout = { anchors: 16, rowSize: ROW };
    const opts = { conf: 0.25, iou: 0.45 };
    expect(rowsOf(decoder.decode(data, layout, 0, opts)).map((r) => r.classId)).toEqual([1]);
    expect(rowsOf(decoder.decode(data, layout, 1, opts)).map((r) => r.classId)).toEqual([2, 3]);
    expect(() => decoder.decode(data, layout, 2, opts)).toThrow(RangeError);
  });

  it('maps boxes back to source pixels with the letterbox option', () => {
    // bus.jpg 810×1080 in 640×640: the image spans x 80..560 of the input.
    const letterbox = letterboxGeometry(810, 1080, 640, 640);
    const d = decode([{ box: [80, 0, 560, 640], obj: 0.9, cls: { 0: 1 } }], { letterbox });
    expect(rowsOf(d)[0].box).toEqual([0, 0, 810, 1080]);
  });

  it('fills the Detections it is given, growing it only when too small', () => {
    const decoder = new YoloDecoder();
    const layout = { anchors: 16, rowSize: ROW };
    const data = output([[{ box: [0, 0, 10, 10], obj: 0.9, cls: { 0: 1 } }, { box: [50, 0, 60, 10], obj: 0.8, cls: { 0: 1 } }]]);
    const out = createDetections(8);
    const boxes = out.boxes;
    expect(decoder.decode(data, layout, 0, { conf: 0.25, iou: 0.45 }, out)).toBe(out);
    expect(out.count).toBe(2);
    expect(out.boxes).toBe(boxes);
    const small = createDetections(1);
    decoder.decode(data, layout, 0, { conf: 0.25, iou: 0.45 }, small);
    expect(small.count).toBe(2);
    expect(rowsOf(small).map((r) => r.score)).toEqual([0.9, 0.8]);
  });
});

describe('anchorsFor', () => {
  it.each([
    [640, 640, 25200],
    [640, 384, 15120],
    [320, 320, 6300],
  ])('%p×%p → %p rows', (w, h, rows) => {
    expect(anchorsFor(w, h)).toBe(rows);
  });
});
