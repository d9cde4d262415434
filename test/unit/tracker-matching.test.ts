import { describe, expect, it } from '@jest/globals';
import { AssignmentSolver, containment, iou } from '../../src/analysis/tracker/matching.js';

describe('box overlap', () => {
  it.each([
    // a, b, iou, containment: what it proves
    [[0, 0, 10, 10], [0, 0, 10, 10], 1, 1], // identical boxes
    [[0, 0, 10, 10], [5, 0, 15, 10], 50 / 150, 0.5], // half overlap
    [[0, 0, 10, 10], [10, 0, 20, 10], 0, 0], // touching edges do not overlap
    [[0, 0, 100, 100], [10, 10, 30, 30], 400 / 10000, 1], // small inside big: containment 1
    [[10, 10, 30, 30], [0, 0, 100, 100], 400 / 10000, 1], // big around small: containment is symmetric
    [[0, 0, 0, 10], [0, 0, 10, 10], 0, 0], // degenerate box
  ])('%j vs %j', (a, b, expectedIou, expectedContainment) => {
    expect(iou(a, 0, b, 0)).toBeCloseTo(expectedIou, 10);
    expect(containment(a, 0, b, 0)).toBeCloseTo(expectedContainment, 10);
  });

  it('reads boxes at offsets of flat arrays', () => {
    const flat = new Float32Array([0, 0, 1, 1, 0, 0, 10, 10]);
    expect(iou(flat, 4, [0, 0, 10, 10], 0)).toBe(1);
  });
});

/** Best total weight over all matchings, by brute force (small sizes only). */
function bruteForce(w: number[][]): number {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number): number => {
    if (r === rows) return 0;
    let best = go(r + 1); // row r unmatched
    for (let c = 0; c < cols; c++) {
      if (used[c] || w[r][c] <= 0) continue;
      used[c] = true;
      best = Math.max(best, w[r][c] + go(r + 1));
      used[c] = false;
    }
    return best;
  };
  return go(0);
}

function solve(solver: AssignmentSolver, w: number[][]): { rowToCol: number[]; total: number } {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  const rowToCol = [...solver.solve(Float64Array.from(w.flat()), rows, cols)];
  const total = rowToCol.reduce((s, c, r) => s + (c >= 0 ? w[r][c] : 0), 0);
  return { rowToCol, total };
}

describe('AssignmentSolver', () => {
  it.each([
    // weights, expected row→column: what it proves
    [[[0.9, 0.8], [0.85, 0.1]], [1, 0]], // optimal beats greedy: greedy takes 0.9 and leaves 0.1
    [[[0.5, 0], [0, 0]], [0, -1]], // zero weight means no match
    [[[0.3], [0.6], [0.2]], [-1, 0, -1]], // more rows than columns
    [[[0.3, 0.7, 0.1]], [1]], // more columns than rows
    [[], []], // nothing to match
  ])('%j', (w, expected) => {
    expect(solve(new AssignmentSolver(), w as number[][]).rowToCol).toEqual(expected);
  });

  it('matches brute force on random matrices, reusing its buffers across sizes', () => {
    const solver = new AssignmentSolver();
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 300; k++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const w = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.4 ? 0 : rand())));
      const { rowToCol, total } = solve(solver, w);
      expect(total).toBeCloseTo(bruteForce(w), 9);
      const cols_ = rowToCol.filter((c) => c >= 0);
      expect(new Set(cols_).size).toBe(cols_.length); // each column at most once
    }
  });
});
