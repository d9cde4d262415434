/**
 * Box overlap measures and optimal assignment (Hungarian method) for associating tracks with
 * detections. Boxes are x1, y1, x2, y2 read from flat arrays at an offset, so callers can pass the
 * Detections' Float32Array directly.
 */

type Boxes = ArrayLike<number>;

type TypedArray = Float64Array | Int32Array | Uint8Array;

/** `buf` if it holds `size` items, else a bigger one of the same kind (contents not kept). */
function ensure<T extends TypedArray>(buf: T, size: number, make: (n: number) => T): T {
  return buf.length >= size ? buf : make(Math.max(size, buf.length * 2));
}

function intersection(a: Boxes, ao: number, b: Boxes, bo: number): number {
  const w = Math.min(a[ao + 2], b[bo + 2]) - Math.max(a[ao], b[bo]);
  const h = Math.min(a[ao + 3], b[bo + 3]) - Math.max(a[ao + 1], b[bo + 1]);
  return w > 0 && h > 0 ? w * h : 0;
}

function area(a: Boxes, o: number): number {
  return Math.max(0, a[o + 2] - a[o]) * Math.max(0, a[o + 3] - a[o + 1]);
}

/** Intersection over union of box a (at offset ao) and box b (at offset bo), 0..1. */
export function iou(a: Boxes, ao: number, b: Boxes, bo: number): number {
  const inter = intersection(a, ao, b, bo);
  if (inter === 0) return 0;
  return inter / (area(a, ao) + area(b, bo) - inter);
}

/**
 * Intersection over the smaller box's area, 0..1: 1 when either box lies wholly inside the other,
 * whichever is bigger. Used to spot a duplicate detection of one object.
 */
export function containment(a: Boxes, ao: number, b: Boxes, bo: number): number {
  const inter = intersection(a, ao, b, bo);
  if (inter === 0) return 0;
  const smaller = Math.min(area(a, ao), area(b, bo));
  return smaller > 0 ? inter / smaller : 0;
}

/**
 * Maximum-weight bipartite assignment (Hungarian method, O(n²m)), reusing its buffers between
 * calls. Weights are in 0..1 and 0 means "may not match": the solver finds the complete
 * assignment of least total (1 − weight), which, since every weight is ≥ 0, is a maximum-weight
 * matching once the zero-weight pairs are dropped. Optimal rather than greedy so that one good
 * overlap never forces two objects into a swap (greedy best-IoU-first can).
 */
export class AssignmentSolver {
  private cost = new Float64Array(0);
  private u = new Float64Array(0);
  private v = new Float64Array(0);
  private minv = new Float64Array(0);
  private p = new Int32Array(0);
  private way = new Int32Array(0);
  private used = new Uint8Array(0);
  private rowToCol = new Int32Array(0);

  /**
   * `weights` is row-major rows × cols. Returns, for each row, its column or −1 (a view into a
   * reused buffer: read it before the next call).
   */
  solve(weights: Float64Array, rows: number, cols: number): Int32Array {
    this.rowToCol = ensure(this.rowToCol, rows, (k) => new Int32Array(k));
    const result = this.rowToCol.subarray(0, rows);
    result.fill(-1);
    if (rows === 0 || cols === 0) return result;
    // The algorithm needs n ≤ m: solve the transpose when there are more rows than columns.
    const transposed = rows > cols;
    const n = transposed ? cols : rows;
    const m = transposed ? rows : cols;
    const cost = (this.cost = ensure(this.cost, (n + 1) * (m + 1), (k) => new Float64Array(k)));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const w = transposed ? weights[j * cols + i] : weights[i * cols + j];
        cost[(i + 1) * (m + 1) + (j + 1)] = 1 - w;
      }
    }
    const p = this.hungarian(cost, n, m);
    for (let j = 1; j <= m; j++) {
      if (p[j] === 0) continue;
      const row = transposed ? j - 1 : p[j] - 1;
      const col = transposed ? p[j] - 1 : j - 1;
      if (weights[row * cols + col] > 0) result[row] = col;
    }
    return result;
  }

  /** e-maxx's Hungarian with potentials; 1-based; returns p where p[j] is column j's row (0 = none). */
  private hungarian(cost: Float64Array, n: number, m: number): Int32Array {
    const stride = m + 1;
    const u = (this.u = ensure(this.u, n + 1, (k) => new Float64Array(k))).fill(0, 0, n + 1);
    const v = (this.v = ensure(this.v, m + 1, (k) => new Float64Array(k))).fill(0, 0, m + 1);
    const p = (this.p = ensure(this.p, m + 1, (k) => new Int32Array(k))).fill(0, 0, m + 1);
    const way = (this.way = ensure(this.way, m + 1, (k) => new Int32Array(k))).fill(0, 0, m + 1);
    const minv = (this.minv = ensure(this.minv, m + 1, (k) => new Float64Array(k)));
    const used = (this.used = ensure(this.used, m + 1, (k) => new Uint8Array(k)));
    for (let i = 1; i <= n; i++) {
      p[0] = i;
      let j0 = 0;
      minv.fill(Infinity, 0, m + 1);
      used.fill(0, 0, m + 1);
      do {
        used[j0] = 1;
        const i0 = p[j0];
        let delta = Infinity;
        let j1 = 0;
        for (let j = 1; j <= m; j++) {
          if (used[j]) continue;
          const cur = cost[i0 * stride + j] - u[i0] - v[j];
          if (cur < minv[j]) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
        for (let j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] !== 0);
      do {
        const j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 !== 0);
    }
    return p;
  }
}
