/** Thumbnail width in pixels (height follows the crop's aspect ratio). */
export const THUMB_WIDTH = 320;

export interface ThumbnailInput {
  /** The best detection's time (s) and box [x1, y1, x2, y2] in video pixels. */
  timeSec: number;
  box: [number, number, number, number];
  video: { width: number; height: number; fps: number };
}

const even = (v: number) => Math.max(2, Math.floor(v / 2) * 2);
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** Thumbnails are 16:9 whatever the object's shape, so a report's table lines up. */
const ASPECT = 16 / 9;

/**
 * The region around the box that the thumbnail shows: the box plus half its longer side of context on every
 * side, widened to 16:9 and to at least a quarter of the frame, clamped to the frame (even pixels, as crop
 * wants for yuv420p).
 *
 *   +---------------- frame ----------------+
 *   |     +--------- crop (16:9) -----+     |
 *   |     |        +-- box --+        |     |
 *   |     |        +---------+        |     |
 *   |     +---------------------------+     |
 *   +---------------------------------------+
 */
export function cropWindow(box: ThumbnailInput['box'], width: number, height: number): { x: number; y: number; w: number; h: number } {
  const [x1, y1, x2, y2] = box;
  const bw = Math.max(1, x2 - x1);
  const bh = Math.max(1, y2 - y1);
  const margin = Math.max(bw, bh) / 2;
  let w = Math.max(bw + 2 * margin, (bh + 2 * margin) * ASPECT, width / 4);
  let h = w / ASPECT;
  if (h > height) {
    h = height;
    w = Math.min(width, h * ASPECT);
  }
  if (w > width) {
    w = width;
    h = Math.min(height, w / ASPECT);
  }
  w = even(w);
  h = even(h);
  const x = clamp(Math.floor(((x1 + x2) / 2 - w / 2) / 2) * 2, 0, width - w);
  const y = clamp(Math.floor(((y1 + y2) / 2 - h / 2) / 2) * 2, 0, height - h);
  return { x, y, w, h };
}

/**
 * ffmpeg arguments that write one JPEG: seek (input -ss, half a frame early so rounding never skips past the
 * frame), one frame, the box drawn with drawbox, cropped around it and scaled to THUMB_WIDTH. Pure: unit-tested.
 */
export function thumbnailArgs(input: string, output: string, t: ThumbnailInput): string[] {
  const { width, height, fps } = t.video;
  const [x1, y1, x2, y2] = t.box.map((v) => Math.round(v));
  const crop = cropWindow(t.box, width, height);
  // About 3 px in the thumbnail, whatever the crop's size.
  const thickness = Math.max(2, Math.round((3 * crop.w) / THUMB_WIDTH));
  const seek = Math.max(0, t.timeSec - 0.5 / (fps > 0 ? fps : 30));
  const filters = [
    `drawbox=x=${x1}:y=${y1}:w=${Math.max(1, x2 - x1)}:h=${Math.max(1, y2 - y1)}:color=yellow@0.9:t=${thickness}`,
    `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y}`,
    `scale=${THUMB_WIDTH}:-2`,
  ];
  return ['-v', 'error', '-nostdin', '-y', '-ss', seek.toFixed(4), '-i', input, '-frames:v', '1', '-vf', filters.join(','), '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', output];
}
