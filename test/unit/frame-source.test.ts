import { describe, expect, it } from '@jest/globals';
import { frameSourceArgs } from '../../src/analysis/frame-source.js';

const spec = { path: 'v.mp4', streamIndex: 2, stride: 1, letterboxFilter: 'scale=640:360:flags=bilinear,pad=640:384:0:12:color=0x727272', width: 640, height: 384 };

describe('frameSourceArgs', () => {
  it('maps the probed stream and streams planar gbrp without re-timing frames', () => {
    const args = frameSourceArgs(spec);
    expect(args.output).toEqual(['-map', '0:2', '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gbrp']);
    expect(args.filters).toBe(`${spec.letterboxFilter},format=gbrp`);
  });

  it('drops frames with select before scaling when striding', () => {
    const args = frameSourceArgs({ ...spec, stride: 4 });
    expect(args.filters.startsWith("select='not(mod(n\\,4))',scale=")).toBe(true);
  });

  it('passes the decoder thread count', () => {
    expect(frameSourceArgs({ ...spec, threads: 1 }).input).toEqual(['-nostdin', '-threads', '1']);
  });
});
