/**
 * Frame bytes → model input. ffmpeg delivers pix_fmt gbrp: three planes in the order G, B, R,
 * each width × height bytes. The model wants float32 NCHW in the order R, G, B, values 0..1.
 *
 *   src  [ G plane | B plane | R plane ]          (bytes)
 *            │         │         │
 *            │         └─────────┼───────────┐
 *            └─────────────┐     │           │
 *   dst  [ R plane | G plane | B plane ]      (float32, at dstOffset: one image of a batch)
 *
 * One tight pass per plane through a 256-entry table holding exactly float32(v / 255), the value
 * YOLOv5's `im /= 255` produces (or, for an FP16 model, a Uint16Array dst, its float16 bits).
 * No allocation: dst is the caller's reused buffer.
 */
import { unitTable, type TensorData } from './half.js';

const UNIT = unitTable('float32') as Float32Array;
const UNIT_HALF = unitTable('float16') as Uint16Array;

/** Floats one image needs in the tensor: 3 × width × height. */
export function tensorLength(width: number, height: number, batch = 1): number {
  return batch * 3 * width * height;
}

/** Converts one gbrp frame into dst[dstOffset … dstOffset + 3·width·height) as RGB planes (float32 or float16 bits). */
export function planarToTensor(src: Uint8Array, dst: TensorData, dstOffset: number, width: number, height: number): void {
  const plane = width * height;
  if (src.length < 3 * plane) throw new RangeError(`frame has ${src.length} bytes, ${width}×${height} gbrp needs ${3 * plane}`);
  if (dstOffset < 0 || dst.length < dstOffset + 3 * plane) {
    throw new RangeError(`tensor has ${dst.length} floats, image at ${dstOffset} needs ${dstOffset + 3 * plane}`);
  }
  convertPlane(src.subarray(2 * plane, 3 * plane), dst.subarray(dstOffset, dstOffset + plane)); // R
  convertPlane(src.subarray(0, plane), dst.subarray(dstOffset + plane, dstOffset + 2 * plane)); // G
  convertPlane(src.subarray(plane, 2 * plane), dst.subarray(dstOffset + 2 * plane, dstOffset + 3 * plane)); // B
}

function convertPlane(src: Uint8Array, dst: TensorData): void {
  const table = dst instanceof Uint16Array ? UNIT_HALF : UNIT;
  for (let i = 0, n = dst.length; i < n; i++) dst[i] = table[src[i]];
}
