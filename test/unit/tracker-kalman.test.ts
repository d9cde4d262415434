import { describe, expect, it } from '@jest/globals';
import { initiateKalman, kalmanBox, predictKalman, updateKalman } from '../../src/analysis/tracker/kalman-filter.js';

/** Feeds a box moving at `vx` px/s for `seconds` at `fps`, then predicts `aheadSec` further; returns the predicted box. */
function followThenPredict(fps: number, vx: number, seconds: number, aheadSec: number): Float64Array {
  const kf = initiateKalman(100, 100, 200, 300);
  const frames = Math.round(seconds * fps);
  for (let f = 1; f <= frames; f++) {
    const x = 100 + (vx * f) / fps;
    predictKalman(kf, 1 / fps);
    updateKalman(kf, x, 100, x + 100, 300);
  }
  predictKalman(kf, aheadSec, true);
  const out = new Float64Array(4);
  kalmanBox(kf, out);
  return out;
}

describe('Kalman filter (time in seconds)', () => {
  it.each([120, 30, 10])('learns a velocity of 300 px/s at %i fps and predicts 0.5 s ahead by it', (fps) => {
    // after 1 s at x = 400, 0.5 s more at 300 px/s puts x1 at 550 whatever the frame rate
    const box = followThenPredict(fps, 300, 1, 0.5);
    expect(box[0]).toBeGreaterThan(540);
    expect(box[0]).toBeLessThan(560);
    expect(box[2] - box[0]).toBeCloseTo(100, 0);
  });

  it('a still box stays still and keeps its size', () => {
    const box = followThenPredict(120, 0, 1, 1);
    expect([...box].map((v) => Math.round(v))).toEqual([100, 100, 200, 300]);
  });

  it('freezing the size stops a shrinking lost box from vanishing', () => {
    const kf = initiateKalman(0, 0, 100, 100);
    for (let f = 1; f <= 30; f++) {
      predictKalman(kf, 1 / 30);
      const s = 100 - f * 2; // shrinks 60 px/s
      updateKalman(kf, 0, 0, s, s);
    }
    predictKalman(kf, 2, true);
    const out = new Float64Array(4);
    kalmanBox(kf, out);
    expect(out[2] - out[0]).toBeGreaterThan(30);
  });

  it('dt = 0 changes nothing', () => {
    const kf = initiateKalman(0, 0, 10, 20);
    const before = [...kf.mean, ...kf.cov];
    predictKalman(kf, 0);
    expect([...kf.mean, ...kf.cov]).toEqual(before);
  });
});
