import { describe, expect, it } from '@jest/globals';
import { planarToTensor, tensorLength } from '../../src/analysis/tensor.js';

describe('planarToTensor', () => {
  // A 2×1 gbrp frame: planes G, B, R. Pixel 0 is pure red (255, 0, 0), pixel 1 is (0, 51, 102).
  const G = [0, 51];
  const B = [0, 102];
  const R = [255, 0];
  const frame = Uint8Array.from([...G, ...B, ...R]);

  it('reorders planes G, B, R into R, G, B and scales to 0..1', () => {
    const dst = new Float32Array(tensorLength(2, 1));
    planarToTensor(frame, dst, 0, 2, 1);
    expect(Array.from(dst)).toEqual([1, 0, 0, 0.20000000298023224, 0, 0.4000000059604645]);
  });

  it('writes at an offset (one image of a batch) and leaves the rest alone', () => {
    const dst = new Float32Array(tensorLength(2, 1, 2)).fill(-1);
    planarToTensor(frame, dst, 6, 2, 1);
    expect(Array.from(dst.subarray(0, 6))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(dst[6]).toBe(1);
  });

  it('gives exactly float32(v / 255), as YOLOv5 does', () => {
    const plane = Uint8Array.from({ length: 256 }, (_, v) => v);
    const dst = new Float32Array(3 * 256);
    planarToTensor(Uint8Array.from([...plane, ...plane, ...plane]), dst, 0, 256, 1);
    for (let v = 0; v < 256; v++) expect(dst[v]).toBe(Math.fround(v / 255));
  });

  it('refuses buffers that are too small', () => {
    expect(() => planarToTensor(new Uint8Array(5), new Float32Array(6), 0, 2, 1)).toThrow(RangeError);
    expect(() => planarToTensor(frame, new Float32Array(6), 1, 2, 1)).toThrow(RangeError);
  });
});
