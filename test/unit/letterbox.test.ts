import { describe, expect, it } from '@jest/globals';
import { detectionsFrom, boxAt } from '../../src/analysis/detections.js';
import {
  inputSizeFor,
  letterboxBoxes,
  letterboxFilter,
  letterboxGeometry,
  roundHalfEven,
  unletterboxBoxes,
} from '../../src/analysis/letterbox.js';

/*
 * 16:9 into a square input (1280×720 → 640×640):
 *
 *   ┌────────────────────┐  ▲
 *   │▒▒▒▒▒▒ 140 ▒▒▒▒▒▒▒▒▒│  │
 *   ├────────────────────┤  │
 *   │   640 × 360 image  │ 640
 *   ├────────────────────┤  │
 *   │▒▒▒▒▒▒ 140 ▒▒▒▒▒▒▒▒▒│  │
 *   └────────────────────┘  ▼
 *
 * 4:3 portrait (bus.jpg 810×1080 → 640×640): 480×640 image, 80 grey columns each side.
 */

describe('roundHalfEven (Python round)', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [360.5, 360],
    [361.5, 362],
    [139.9, 140],
    [120.4, 120],
    [3.5, 4],
    [2.4999, 2],
  ])('round(%p) = %p', (x, expected) => {
    expect(roundHalfEven(x)).toBe(expected);
  });
});

describe('inputSizeFor', () => {
  it.each([
    // [w, h, imgsz, dynamic, expected w×h, why]
    [1280, 720, 640, false, [640, 640], 'static model: always square'],
    [1280, 720, 640, true, [640, 384], '16:9 → 360 rows, rounded up to 12 strides'],
    [1920, 1080, 640, true, [640, 384], 'same aspect, bigger source'],
    [1080, 1920, 640, true, [384, 640], '9:16 portrait'],
    [810, 1080, 640, true, [480, 640], 'bus.jpg: 480 is already 15 strides'],
    [640, 480, 640, true, [640, 480], '4:3 landscape'],
    [1000, 1000, 640, true, [640, 640], 'square'],
    [1000, 10, 640, true, [640, 32], 'a sliver still gets one stride'],
    [1280, 720, 600, true, [608, 352], 'imgsz rounded up to a stride multiple (608), 342 → 352'],
    [1280, 720, 320, true, [320, 192], 'smaller imgsz'],
  ] as const)('%p×%p at %p dynamic=%p → %p (%s)', (w, h, imgsz, dynamic, expected, _why) => {
    const size = inputSizeFor(w, h, imgsz, dynamic);
    expect([size.width, size.height]).toEqual(expected);
  });

  it('rejects nonsense sizes', () => {
    expect(() => inputSizeFor(0, 720, 640, true)).toThrow(RangeError);
    expect(() => inputSizeFor(1280, 720, 16, true)).toThrow(RangeError);
  });
});

describe('letterboxGeometry', () => {
  it.each([
    // [srcW, srcH, dstW, dstH, scaledW, scaledH, padLeft, padTop, why]
    [1280, 720, 640, 640, 640, 360, 0, 140, '16:9 in a square: 140 rows above and below'],
    [1280, 720, 640, 384, 640, 360, 0, 12, '16:9 in its dynamic input: 12 rows each side'],
    [810, 1080, 640, 640, 480, 640, 80, 0, 'bus.jpg portrait: 80 columns each side'],
    [810, 1080, 480, 640, 480, 640, 0, 0, 'bus.jpg dynamic input: no padding'],
    [1000, 1000, 640, 640, 640, 640, 0, 0, 'square: no padding'],
    [320, 240, 640, 640, 640, 480, 0, 80, 'upscaling (YOLOv5 scaleup=True)'],
    [641, 400, 640, 640, 640, 399, 0, 120, 'odd padding 241: 120 above, the odd row below'],
    [1280, 721, 640, 640, 640, 360, 0, 140, '360.5 rounds half to even (Python round), not 361'],
    [1280, 723, 640, 640, 640, 362, 0, 139, '361.5 → 362; dh = 139'],
    [1281, 721, 640, 640, 640, 360, 0, 140, 'odd source on both axes'],
    [1, 1000, 640, 640, 1, 640, 319, 0, 'a 1-pixel column stays 1 pixel wide; 639 grey columns, 319 left'],
  ] as const)('%p×%p → %p×%p: image %p×%p at (%p, %p) — %s', (srcW, srcH, dstW, dstH, sw, sh, left, top, _why) => {
    const g = letterboxGeometry(srcW, srcH, dstW, dstH);
    expect([g.scaledWidth, g.scaledHeight, g.padLeft, g.padTop]).toEqual([sw, sh, left, top]);
    expect(g.scale).toBeCloseTo(Math.min(dstW / srcW, dstH / srcH), 12);
    expect(g.scaleX).toBeCloseTo(sw / srcW, 12);
    expect(g.scaleY).toBeCloseTo(sh / srcH, 12);
    // The image always fits inside the input with non-negative padding on every side.
    expect(g.padLeft).toBeGreaterThanOrEqual(0);
    expect(g.padTop).toBeGreaterThanOrEqual(0);
    expect(g.padLeft + g.scaledWidth).toBeLessThanOrEqual(dstW);
    expect(g.padTop + g.scaledHeight).toBeLessThanOrEqual(dstH);
  });
});

describe('letterboxFilter', () => {
  it('scales to the exact integer size, converts to gbrp, pads with grey 114 at the exact offset', () => {
    const g = letterboxGeometry(810, 1080, 640, 640);
    expect(letterboxFilter(g)).toBe(
      'scale=480:640:flags=bilinear+accurate_rnd+full_chroma_int,format=gbrp,pad=640:640:80:0:color=0x727272',
    );
  });

  it('puts the odd padding row at the bottom', () => {
    expect(letterboxFilter(letterboxGeometry(641, 400, 640, 640))).toContain('pad=640:640:0:120:');
  });
});

describe('unletterboxBoxes', () => {
  it.each([
    [1280, 720, 640, 640],
    [1280, 720, 640, 384],
    [810, 1080, 640, 640],
    [641, 400, 640, 640],
    [1281, 721, 640, 640],
    [320, 240, 640, 640],
  ] as const)('round trip %p×%p → %p×%p → back is exact', (srcW, srcH, dstW, dstH) => {
    const g = letterboxGeometry(srcW, srcH, dstW, dstH);
    const rows = [
      { box: [0, 0, srcW, srcH], score: 1, classId: 0 },
      { box: [srcW * 0.25, srcH * 0.1, srcW * 0.5, srcH * 0.9], score: 0.5, classId: 3 },
      { box: [1, 2, 3, 4], score: 0.3, classId: 7 },
    ];
    const d = detectionsFrom(rows);
    letterboxBoxes(d, g);
    unletterboxBoxes(d, g, srcW, srcH);
    rows.forEach((r, i) => {
      boxAt(d, i).forEach((v, k) => expect(v).toBeCloseTo(r.box[k], 3));
    });
  });

  it('maps input pixels to source pixels: bus.jpg, a box in the 640×640 input', () => {
    const g = letterboxGeometry(810, 1080, 640, 640);
    // The image spans x 80..560 in the input; scale 480/810.
    const d = detectionsFrom([{ box: [80, 0, 560, 640], score: 1, classId: 0 }]);
    unletterboxBoxes(d, g, 810, 1080);
    expect(Array.from(d.boxes)).toEqual([0, 0, 810, 1080]);
  });

  it('clips boxes that reach into the padding to the source image', () => {
    const g = letterboxGeometry(1280, 720, 640, 640);
    // A box from the top padding (y 100 < 140) to beyond the image's bottom (y 600 > 500).
    const d = detectionsFrom([{ box: [-10, 100, 700, 600], score: 1, classId: 0 }]);
    unletterboxBoxes(d, g, 1280, 720);
    expect(Array.from(d.boxes)).toEqual([0, 0, 1280, 720]);
  });

  it('touches only the first count rows', () => {
    const g = letterboxGeometry(1280, 720, 640, 640);
    const d = detectionsFrom([
      { box: [0, 140, 640, 500], score: 1, classId: 0 },
      { box: [1, 1, 1, 1], score: 1, classId: 0 },
    ]);
    d.count = 1;
    unletterboxBoxes(d, g);
    expect(Array.from(d.boxes)).toEqual([0, 0, 1280, 720, 1, 1, 1, 1]);
  });
});
