import { describe, expect, it } from '@jest/globals';
import { floatsToHalf, fromHalf, halfTable, halfToFloats, toHalf, unitTable } from '../../src/analysis/half.js';
import { YoloDecoder } from '../../src/analysis/yolo-decode.js';

describe('float16 conversion', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [65520, 0x7c00], // rounds up to inf
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000], // below half of it: zero
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // a tie rounds to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // a tie rounds to even (up)
  ])('%p → 0x%s', (value, bits) => {
    expect(toHalf(value)).toBe(bits);
  });

  it('NaN stays NaN; every half converts back to itself', () => {
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
    const t = halfTable();
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaNs
      expect(toHalf(t[h])).toBe(h);
    }
  });

  it('round-trips arrays within half precision', () => {
    const src = Float32Array.from({ length: 1000 }, (_, i) => (i - 500) * 1.37);
    const bits = new Uint16Array(src.length);
    floatsToHalf(src, bits);
    const back = new Float32Array(src.length);
    halfToFloats(bits, back);
    src.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
  });

  it('the input table: v / 255 exactly in float32, and the nearest half to it', () => {
    const f = unitTable('float32');
    const h = unitTable('float16');
    expect(f[255]).toBe(1);
    expect(h[255]).toBe(0x3c00);
    for (let v = 0; v < 256; v++) {
      expect(f[v]).toBe(Math.fround(v / 255));
      expect(Math.abs(fromHalf(h[v]) - v / 255)).toBeLessThanOrEqual(Math.min(Math.abs(fromHalf(h[v] + 1) - v / 255), Math.abs(fromHalf(Math.max(0, h[v] - 1)) - v / 255)));
    }
  });
});

describe('YoloDecoder on float16 output', () => {
  it('finds the same boxes as on float32 output', () => {
    const anchors = 200;
    const row = 9;
    const data = new Float32Array(anchors * row);
    // Random boxes, objectness and class scores; about a third pass the threshold.
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let a = 0; a < anchors; a++) {
      const o = a * row;
      data.set([rand() * 600 + 20, rand() * 600 + 20, rand() * 100 + 10, rand() * 100 + 10, rand()], o);
      for (let c = 0; c < 4; c++) data[o + 5 + c] = rand();
    }
    const bits = new Uint16Array(data.length);
    floatsToHalf(data, bits);
    const rounded = new Float32Array(data.length);
    halfToFloats(bits, rounded); // float32 holding the same values as the half output
    const options = { conf: 0.25, iou: 0.45 };
    const a = new YoloDecoder().decode(bits, { anchors, rowSize: row }, 0, options);
    const b = new YoloDecoder().decode(rounded, { anchors, rowSize: row }, 0, options);
    expect(a.count).toBeGreaterThan(5);
    expect(a.count).toBe(b.count);
    expect(Array.from(a.boxes.subarray(0, a.count * 4))).toEqual(Array.from(b.boxes.subarray(0, b.count * 4)));
    expect(Array.from(a.scores.subarray(0, a.count))).toEqual(Array.from(b.scores.subarray(0, b.count)));
    expect(Array.from(a.classIds.subarray(0, a.count))).toEqual(Array.from(b.classIds.subarray(0, b.count)));
  });
});
