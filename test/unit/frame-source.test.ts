import { describe, expect, it } from '@jest/globals';
import { frameSourceArgs } from '../../src/analysis/frame-source.js';

const LB = 'scale=640:360:flags=bilinear,format=gbrp,pad=640:384:0:12:color=0x727272';
const spec = { path: 'v.mp4', streamIndex: 2, stride: 1, letterboxFilter: LB, width: 640, height: 384 };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('frameSourceArgs', () => {
  it('maps the probed stream and streams planar gbrp to stdout without re-timing frames', () => {
    const args = frameSourceArgs(spec);
    expect(after(args, '-i')).toBe('v.mp4');
    expect(after(args, '-map')).toBe('0:2');
    expect(after(args, '-vf')).toBe(LB);
    expect(after(args, '-fps_mode')).toBe('passthrough');
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'gbrp', 'pipe:1']);
    expect(args).toEqual(expect.arrayContaining(['-an', '-sn', '-dn', '-nostdin']));
  });

  it('drops frames with select before scaling when striding', () => {
    expect(after(frameSourceArgs({ ...spec, stride: 4 }), '-vf')).toBe(`select='not(mod(n\\,4))',${LB}`);
  });

  it('puts decoder threads and hardware decoding before the input', () => {
    const args = frameSourceArgs({ ...spec, threads: 1, hwaccel: ['-hwaccel', 'cuda'] });
    expect(after(args, '-threads')).toBe('1');
    expect(args.indexOf('-hwaccel')).toBeLessThan(args.indexOf('-i'));
  });
});
