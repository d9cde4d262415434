/**
 * The one value type that flows through every analysis stage: a frame's detections as parallel
 * typed arrays (the supervision `Detections` idea). Boxes are [x1, y1, x2, y2] in original video
 * (or image) pixels, after the letterbox has been undone.
 */
export interface Detections {
  /** Number of valid rows; the arrays may be longer (reused buffers). */
  count: number;
  /** 4 × count floats: x1, y1, x2, y2 per row, in source pixels. */
  boxes: Float32Array;
  /** count floats: objectness × class probability, 0..1. */
  scores: Float32Array;
  /** count ints: index into the model's class names. */
  classIds: Int32Array;
}

/** An empty Detections with room for `capacity` rows. */
export function createDetections(capacity = 0): Detections {
  return {
    count: 0,
    boxes: new Float32Array(capacity * 4),
    scores: new Float32Array(capacity),
    classIds: new Int32Array(capacity),
  };
}

/** A copy holding exactly `count` rows (for keeping a frame's result beyond the next reuse). */
export function copyDetections(d: Detections): Detections {
  return {
    count: d.count,
    boxes: d.boxes.slice(0, d.count * 4),
    scores: d.scores.slice(0, d.count),
    classIds: d.classIds.slice(0, d.count),
  };
}

/** Builds Detections from plain rows; for tests and small callers, not for hot paths. */
export function detectionsFrom(rows: ReadonlyArray<{ box: readonly number[]; score: number; classId: number }>): Detections {
  const d = createDetections(rows.length);
  rows.forEach((r, i) => {
    d.boxes.set(r.box.slice(0, 4), i * 4);
    d.scores[i] = r.score;
    d.classIds[i] = r.classId;
  });
  d.count = rows.length;
  return d;
}

/** Box of row i as a fresh tuple (not for hot paths). */
export function boxAt(d: Detections, i: number): [number, number, number, number] {
  const o = i * 4;
  return [d.boxes[o], d.boxes[o + 1], d.boxes[o + 2], d.boxes[o + 3]];
}
