/**
 * Letterbox arithmetic, exactly as YOLOv5's `letterbox()` does it (auto=False, scaleup=True):
 *
 *   source srcW × srcH                    model input dstW × dstH
 *   ┌──────────────────┐                  ┌───────────────────────────┐
 *   │                  │   scale by r     │▒▒▒▒▒▒▒▒▒▒ padTop ▒▒▒▒▒▒▒▒▒▒│
 *   │                  │  ───────────▶    │▒▒┌─────────────────────┐▒▒│
 *   │                  │  r = min(dstW/srcW, dstH/srcH)           │▒▒│
 *   └──────────────────┘                  │▒▒│ scaledW × scaledH   │▒▒│
 *                                         │▒▒└─────────────────────┘▒▒│
 *                              padLeft ──▶│▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒│ grey 114
 *                                         └───────────────────────────┘
 *
 *   scaledW = round(srcW·r), scaledH = round(srcH·r)      (Python round: half to even)
 *   dw = (dstW − scaledW) / 2, dh = (dstH − scaledH) / 2
 *   padLeft = round(dw − 0.1), padTop = round(dh − 0.1)   (the odd pixel goes right / bottom)
 *
 * Everything is in whole pixels so that the ffmpeg filter and the box mapping agree exactly.
 */
import type { Detections } from './detections.js';

export interface LetterboxGeometry {
  /** r: the single scale factor YOLOv5 uses (input pixels per source pixel). */
  scale: number;
  /** Exact per-axis factors after rounding the scaled size: scaledWidth / srcWidth, scaledHeight / srcHeight. */
  scaleX: number;
  scaleY: number;
  srcWidth: number;
  srcHeight: number;
  /** Size of the image inside the input, in input pixels. */
  scaledWidth: number;
  scaledHeight: number;
  /** Grey columns left of the image and rows above it, in input pixels. */
  padLeft: number;
  padTop: number;
  /** The model input size. */
  dstWidth: number;
  dstHeight: number;
}

/** Grey 114 (YOLOv5's pad colour), as a 0..255 byte. */
export const PAD_GREY = 114;

/**
 * swscale flags of the letterbox: bilinear (which, when shrinking, widens its kernel with the
 * scale factor: anti-aliased, unlike OpenCV's INTER_LINEAR), accurate rounding, and full chroma
 * interpolation (JPEG/H.264 chroma is subsampled; this upsamples it properly before RGB).
 */
export const SWS_FLAGS = 'bilinear+accurate_rnd+full_chroma_int';

/** Python 3's round(): ties go to the even neighbour (round(0.5) = 0, round(2.5) = 2). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function assertSize(name: string, w: number, h: number): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
    throw new RangeError(`${name} must be positive whole numbers, got ${w}×${h}`);
  }
}

/**
 * The model input size for a source of `width × height`.
 * - static model: always imgsz × imgsz (its graph has a fixed shape);
 * - dynamic model: the long side is imgsz, the short side the smallest multiple of `stride` that
 *   holds the scaled image (YOLOv5's rectangular inference): 1280×720 at 640 → 640×384,
 *   810×1080 at 640 → 480×640. Less padding means less work (≈ 40% for 16:9).
 * imgsz itself is rounded up to a multiple of stride, as YOLOv5's check_img_size does.
 */
export function inputSizeFor(width: number, height: number, imgsz: number, dynamic: boolean, stride = 32): { width: number; height: number } {
  assertSize('source size', width, height);
  if (!Number.isInteger(imgsz) || imgsz < stride) throw new RangeError(`imgsz must be a whole number ≥ ${stride}, got ${imgsz}`);
  const size = Math.ceil(imgsz / stride) * stride;
  if (!dynamic) return { width: size, height: size };
  const r = Math.min(size / width, size / height);
  const fit = (n: number): number => Math.max(stride, Math.ceil(roundHalfEven(n * r) / stride) * stride);
  return { width: Math.min(size, fit(width)), height: Math.min(size, fit(height)) };
}

/** The letterbox that maps a srcW × srcH image into a dstW × dstH model input (see the sketch above). */
export function letterboxGeometry(srcW: number, srcH: number, dstW: number, dstH: number): LetterboxGeometry {
  assertSize('source size', srcW, srcH);
  assertSize('input size', dstW, dstH);
  const scale = Math.min(dstW / srcW, dstH / srcH);
  // Clamp: a 1-pixel-wide source must still be at least 1 pixel, and rounding never overflows.
  const scaledWidth = Math.min(dstW, Math.max(1, roundHalfEven(srcW * scale)));
  const scaledHeight = Math.min(dstH, Math.max(1, roundHalfEven(srcH * scale)));
  const dw = (dstW - scaledWidth) / 2;
  const dh = (dstH - scaledHeight) / 2;
  return {
    scale,
    scaleX: scaledWidth / srcW,
    scaleY: scaledHeight / srcH,
    srcWidth: srcW,
    srcHeight: srcH,
    scaledWidth,
    scaledHeight,
    padLeft: roundHalfEven(dw - 0.1),
    padTop: roundHalfEven(dh - 0.1),
    dstWidth: dstW,
    dstHeight: dstH,
  };
}

/**
 * The ffmpeg `-vf` chain that performs `geom`: scale to exactly scaledWidth × scaledHeight
 * (bilinear, accurate rounding, full chroma interpolation), convert to planar RGB (gbrp) so the
 * pad colour is exactly 114 in every channel, then pad to dstWidth × dstHeight at (padLeft, padTop).
 * Every number is an explicit integer: the box mapping back (unletterboxBoxes) is exact.
 */
export function letterboxFilter(geom: LetterboxGeometry): string {
  const grey = PAD_GREY.toString(16).padStart(2, '0');
  return [
    `scale=${geom.scaledWidth}:${geom.scaledHeight}:flags=${SWS_FLAGS}`,
    'format=gbrp',
    `pad=${geom.dstWidth}:${geom.dstHeight}:${geom.padLeft}:${geom.padTop}:color=0x${grey}${grey}${grey}`,
  ].join(',');
}

/**
 * Maps boxes from model-input pixels back to source pixels, in place, and clips them to the
 * source image (0..srcW, 0..srcH), as YOLOv5's scale_boxes + clip_boxes do. Uses the exact
 * per-axis scale and integer padding of `geom` (YOLOv5 uses r and the unrounded pad; the two
 * differ by well under a pixel).
 */
export function unletterboxBoxes(dets: Detections, geom: LetterboxGeometry, srcW = geom.srcWidth, srcH = geom.srcHeight): Detections {
  const b = dets.boxes;
  const sx = 1 / geom.scaleX;
  const sy = 1 / geom.scaleY;
  const px = geom.padLeft;
  const py = geom.padTop;
  for (let i = 0, o = 0; i < dets.count; i++, o += 4) {
    b[o] = clamp((b[o] - px) * sx, srcW);
    b[o + 1] = clamp((b[o + 1] - py) * sy, srcH);
    b[o + 2] = clamp((b[o + 2] - px) * sx, srcW);
    b[o + 3] = clamp((b[o + 3] - py) * sy, srcH);
  }
  return dets;
}

/** The inverse: source pixels → model-input pixels (for tests and drawing), in place, unclipped. */
export function letterboxBoxes(dets: Detections, geom: LetterboxGeometry): Detections {
  const b = dets.boxes;
  for (let i = 0, o = 0; i < dets.count; i++, o += 4) {
    b[o] = b[o] * geom.scaleX + geom.padLeft;
    b[o + 1] = b[o + 1] * geom.scaleY + geom.padTop;
    b[o + 2] = b[o + 2] * geom.scaleX + geom.padLeft;
    b[o + 3] = b[o + 3] * geom.scaleY + geom.padTop;
  }
  return dets;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
