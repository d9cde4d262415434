/**
 * IEEE 754 half precision (float16) as ONNX Runtime's Node binding carries it: a Uint16Array of bit
 * patterns (Node 20 has no Float16Array). An FP16 model (YOLOv5's `export.py --half`) takes and
 * returns such tensors; Tally converts at the edges, with tables, never per value through Math.
 *
 *   bits: s eeeee mmmmmmmmmm    value = (-1)^s × 2^(e−15) × 1.m   (e = 0: subnormal, e = 31: inf/NaN)
 */

/** A model tensor's data: float32 values, or float16 bit patterns. */
export type TensorData = Float32Array | Uint16Array;

/** The element types Tally's detector feeds and reads. */
export type TensorElementType = 'float32' | 'float16';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bits nearest to `value` (round half to even; overflow → ±inf; NaN → a quiet NaN). */
export function toHalf(value: number): number {
  f32[0] = value; // float64 → float32 first, as ONNX Runtime's own conversion does
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: inf
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    // Subnormal: shift the mantissa (with its implicit 1) into place, rounding half to even.
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (rest > midpoint || (rest === midpoint && (half & 1)) ? half + 1 : half);
  }
  const half = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding up may carry into the exponent (and up to inf), which is the correct result.
  return rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half;
}

/** The value of float16 bits `h`. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

let table: Float32Array | undefined;

/** Every float16 bit pattern's float32 value (256 KiB, built on first use): out[i] = fromHalf(bits[i]). */
export function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromHalf(h);
  }
  return table;
}

/** Writes src as float16 bits into dst (same length at least). */
export function floatsToHalf(src: Float32Array, dst: Uint16Array): void {
  if (dst.length < src.length) throw new RangeError(`float16 buffer holds ${dst.length} values, ${src.length} needed`);
  for (let i = 0, n = src.length; i < n; i++) dst[i] = toHalf(src[i]);
}

/** Writes src's float16 bits as float32 values into dst (same length at least). */
export function halfToFloats(src: Uint16Array, dst: Float32Array): void {
  if (dst.length < src.length) throw new RangeError(`float32 buffer holds ${dst.length} values, ${src.length} needed`);
  const t = halfTable();
  for (let i = 0, n = src.length; i < n; i++) dst[i] = t[src[i]];
}

/** A zeroed tensor buffer of `length` elements of `type`. */
export function allocTensor(type: TensorElementType, length: number): TensorData {
  return type === 'float16' ? new Uint16Array(length) : new Float32Array(length);
}

/** The element type of a tensor buffer. */
export function elementTypeOf(data: TensorData): TensorElementType {
  return data instanceof Uint16Array ? 'float16' : 'float32';
}

/**
 * v / 255 for every byte value, as the model input wants it: float32 values (exactly YOLOv5's
 * `im /= 255`) or the float16 bits nearest to the exact quotient (what `im.half() / 255` gives:
 * IEEE division rounds correctly).
 */
export function unitTable(type: TensorElementType): TensorData {
  const t = allocTensor(type, 256);
  for (let v = 0; v < 256; v++) t[v] = type === 'float16' ? nearestHalf(v / 255) : v / 255;
  return t;
}

/** The float16 bits nearest to a double (ties to even), without float32's intermediate rounding. */
function nearestHalf(x: number): number {
  let best = toHalf(x);
  for (const h of [best - 1, best + 1]) {
    if (h < 0 || h > 0xffff) continue;
    const d = Math.abs(fromHalf(h) - x) - Math.abs(fromHalf(best) - x);
    if (d < 0 || (d === 0 && (h & 1) === 0)) best = h;
  }
  return best;
}
