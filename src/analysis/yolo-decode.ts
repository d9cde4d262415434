/**
 * The one adapter from YOLOv5's raw output to Detections.
 *
 * output0 is [batch, anchors, 5 + nc], row-major; each row is
 *   cx, cy, w, h (input pixels) │ objectness │ p(class 0) … p(class nc−1)
 *
 * Semantics follow YOLOv5 v7.0 `non_max_suppression` with multi_label=False (as detect.py):
 *   1. keep rows with objectness > conf (checked first: most rows stop here, class scores untouched);
 *   2. score = objectness × best class probability, keep if score > conf;
 *   3. sort by score (descending), keep the best maxNms (30 000);
 *   4. greedy NMS per class: a box is dropped when its IoU with a kept box of the same class is
 *      > iou (equal is kept, as torchvision.ops.nms);
 *   5. at most maxDet (300) boxes.
 * A YoloDecoder owns its scratch buffers and reuses them: no allocation per frame once warmed up.
 * An FP16 model's output (float16 bits in a Uint16Array) is read through a table, value by value,
 * so rows below the threshold are never converted.
 */
import { createDetections, type Detections } from './detections.js';
import { halfTable, type TensorData } from './half.js';
import { unletterboxBoxes, type LetterboxGeometry } from './letterbox.js';

export interface DecodeOptions {
  /** Score threshold (objectness and objectness × class), 0..1. YOLOv5 default 0.25. */
  conf: number;
  /** NMS IoU threshold, 0..1: higher keeps more overlapping boxes. YOLOv5 default 0.45. */
  iou: number;
  /** Most boxes returned per image (YOLOv5 default 300). */
  maxDet?: number;
  /** Most candidates entering NMS, best first (YOLOv5 max_nms 30 000): bounds NMS time at tiny conf. */
  maxNms?: number;
  /** One NMS over all classes instead of one per class (YOLOv5 --agnostic-nms). Default false. */
  classAgnostic?: boolean;
  /** When given, boxes are mapped back to source pixels (and clipped) with this letterbox. */
  letterbox?: LetterboxGeometry;
}

/** Where one image's rows lie in an output tensor. */
export interface OutputLayout {
  /** Rows per image (25 200 for 640×640). */
  anchors: number;
  /** Floats per row: 5 + number of classes. */
  rowSize: number;
}

export const DEFAULT_MAX_DET = 300;
export const DEFAULT_MAX_NMS = 30000;

/** Number of output rows for an input of width × height (YOLOv5: 3 anchors on strides 8, 16, 32). */
export function anchorsFor(width: number, height: number, strides: readonly number[] = [8, 16, 32], anchorsPerCell = 3): number {
  let n = 0;
  for (const s of strides) n += anchorsPerCell * Math.ceil(height / s) * Math.ceil(width / s);
  return n;
}

export class YoloDecoder {
  // Candidates that passed the thresholds, in input pixels (x1, y1, x2, y2).
  private boxes = new Float32Array(0);
  private areas = new Float32Array(0);
  private scores = new Float32Array(0);
  private classes = new Int32Array(0);
  private order = new Int32Array(0);
  private keep = new Int32Array(DEFAULT_MAX_DET);
  private readonly byScoreDesc = (a: number, b: number): number => this.scores[b] - this.scores[a] || a - b;

  /**
   * Decodes image `batchIndex` of `output` into `out` (grown if too small; a new Detections when
   * omitted). Returns `out`. Boxes are in input pixels unless `options.letterbox` is given.
   */
  decode(output: TensorData, layout: OutputLayout, batchIndex: number, options: DecodeOptions, out?: Detections): Detections {
    const { anchors, rowSize } = layout;
    if (rowSize < 6) throw new RangeError(`output rows must have 5 + classes floats, got ${rowSize}`);
    const base = batchIndex * anchors * rowSize;
    if (base + anchors * rowSize > output.length) {
      throw new RangeError(`output holds ${output.length} floats, image ${batchIndex} needs ${base + anchors * rowSize}`);
    }
    const maxDet = options.maxDet ?? DEFAULT_MAX_DET;
    const maxNms = options.maxNms ?? DEFAULT_MAX_NMS;
    const n = Math.min(this.collect(output, base, anchors, rowSize, options.conf), anchors);

    const order = this.order.subarray(0, n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(this.byScoreDesc);
    const kept = this.nms(Math.min(n, maxNms), options.iou, maxDet, options.classAgnostic ?? false);

    const result = ensureCapacity(out ?? createDetections(kept), kept);
    for (let k = 0; k < kept; k++) {
      const c = this.keep[k];
      result.boxes[k * 4] = this.boxes[c * 4];
      result.boxes[k * 4 + 1] = this.boxes[c * 4 + 1];
      result.boxes[k * 4 + 2] = this.boxes[c * 4 + 2];
      result.boxes[k * 4 + 3] = this.boxes[c * 4 + 3];
      result.scores[k] = this.scores[c];
      result.classIds[k] = this.classes[c];
    }
    result.count = kept;
    if (options.letterbox) unletterboxBoxes(result, options.letterbox);
    return result;
  }

  /** Steps 1–2: threshold rows into the candidate buffers; returns their number. */
  private collect(output: TensorData, base: number, anchors: number, rowSize: number, conf: number): number {
    if (output instanceof Uint16Array) return this.collectHalf(output, base, anchors, rowSize, conf);
    this.reserve(anchors);
    let n = 0;
    for (let a = 0, o = base; a < anchors; a++, o += rowSize) {
      const obj = output[o + 4];
      if (!(obj > conf)) continue; // also drops NaN
      let best = output[o + 5];
      let bestClass = 0;
      for (let c = 6, end = o + rowSize, j = o + 6; j < end; c++, j++) {
        const p = output[j];
        if (p > best) {
          best = p;
          bestClass = c - 5;
        }
      }
      const score = obj * best;
      if (!(score > conf)) continue;
      this.addCandidate(n++, output[o], output[o + 1], output[o + 2], output[o + 3], score, bestClass);
    }
    return n;
  }

  /** collect() for float16 bits: objectness through the table first, then the row's class scores and box. */
  private collectHalf(output: Uint16Array, base: number, anchors: number, rowSize: number, conf: number): number {
    this.reserve(anchors);
    const t = halfTable();
    let n = 0;
    for (let a = 0, o = base; a < anchors; a++, o += rowSize) {
      const obj = t[output[o + 4]];
      if (!(obj > conf)) continue;
      let best = t[output[o + 5]];
      let bestClass = 0;
      for (let c = 6, end = o + rowSize, j = o + 6; j < end; c++, j++) {
        const p = t[output[j]];
        if (p > best) {
          best = p;
          bestClass = c - 5;
        }
      }
      const score = obj * best;
      if (!(score > conf)) continue;
      this.addCandidate(n++, t[output[o]], t[output[o + 1]], t[output[o + 2]], t[output[o + 3]], score, bestClass);
    }
    return n;
  }

  private addCandidate(n: number, cx: number, cy: number, w: number, h: number, score: number, cls: number): void {
    const { boxes } = this;
    const b = n * 4;
    boxes[b] = cx - w / 2;
    boxes[b + 1] = cy - h / 2;
    boxes[b + 2] = cx + w / 2;
    boxes[b + 3] = cy + h / 2;
    this.areas[n] = (boxes[b + 2] - boxes[b]) * (boxes[b + 3] - boxes[b + 1]);
    this.scores[n] = score;
    this.classes[n] = cls;
  }

  /** Steps 4–5: greedy NMS over the first n sorted candidates; fills keep[], returns how many. */
  private nms(n: number, iouThreshold: number, maxDet: number, agnostic: boolean): number {
    if (this.keep.length < maxDet) this.keep = new Int32Array(maxDet);
    const { boxes, areas, classes, order, keep } = this;
    let kept = 0;
    for (let i = 0; i < n && kept < maxDet; i++) {
      const c = order[i];
      const cb = c * 4;
      const x1 = boxes[cb];
      const y1 = boxes[cb + 1];
      const x2 = boxes[cb + 2];
      const y2 = boxes[cb + 3];
      const area = areas[c];
      const cls = classes[c];
      let suppressed = false;
      for (let k = 0; k < kept; k++) {
        const q = keep[k];
        if (!agnostic && classes[q] !== cls) continue;
        const qb = q * 4;
        const w = Math.min(x2, boxes[qb + 2]) - Math.max(x1, boxes[qb]);
        if (w <= 0) continue;
        const h = Math.min(y2, boxes[qb + 3]) - Math.max(y1, boxes[qb + 1]);
        if (h <= 0) continue;
        const inter = w * h;
        if (inter / (area + areas[q] - inter) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) keep[kept++] = c;
    }
    return kept;
  }

  private reserve(rows: number): void {
    if (this.scores.length >= rows) return;
    this.boxes = new Float32Array(rows * 4);
    this.areas = new Float32Array(rows);
    this.scores = new Float32Array(rows);
    this.classes = new Int32Array(rows);
    this.order = new Int32Array(rows);
  }
}

/** `d` itself when it has room for `rows`, otherwise `d` with larger arrays (count kept). */
function ensureCapacity(d: Detections, rows: number): Detections {
  if (d.scores.length >= rows) return d;
  const bigger = createDetections(Math.max(rows, d.scores.length * 2));
  d.boxes = bigger.boxes;
  d.scores = bigger.scores;
  d.classIds = bigger.classIds;
  return d;
}
