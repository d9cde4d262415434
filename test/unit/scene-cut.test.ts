import { describe, expect, it } from '@jest/globals';
import { SceneCutDetector } from '../../src/analysis/scene-cut.js';

const W = 64, H = 48, PLANE = W * H;

/** A planar frame: a gradient scene shifted by `dx` pixels (motion), or a flat colour. */
function gradient(dx: number): Float32Array {
  const f = new Float32Array(PLANE * 3);
  for (let p = 0; p < 3; p++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) f[p * PLANE + y * W + x] = (((x + dx) * 4 + p * 40) % 256) / 255;
  return f;
}
const flat = (v: number) => new Float32Array(PLANE * 3).fill(v / 255);

describe('SceneCutDetector', () => {
  it('does not call a pan a cut', () => {
    const d = new SceneCutDetector({ sampleStep: 1 });
    const cuts = [0, 1, 2, 3, 4, 5].map((dx) => d.update(gradient(dx), PLANE));
    expect(cuts).toEqual([false, false, false, false, false, false]);
  });

  it('detects a hard cut to a different scene, once', () => {
    const d = new SceneCutDetector({ sampleStep: 1 });
    expect([d.update(gradient(0), PLANE), d.update(flat(200), PLANE), d.update(flat(200), PLANE)]).toEqual([false, true, false]);
  });

  it('starts fresh after reset', () => {
    const d = new SceneCutDetector({ sampleStep: 1 });
    d.update(gradient(0), PLANE);
    d.reset();
    expect(d.update(flat(10), PLANE)).toBe(false);
  });
});
