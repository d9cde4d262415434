/** The frame source on real ffmpeg: what reaches the model is exactly ffmpeg's letterboxed frame, converted once. */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { FrameSource, frameSourceArgs, type FrameSourceSpec } from '../../src/analysis/frame-source.js';
import { letterboxFilter, letterboxGeometry } from '../../src/analysis/letterbox.js';
import { planarToTensor } from '../../src/analysis/tensor.js';
import { sharedVideo } from '../support/paths.js';

const geometry = letterboxGeometry(1280, 720, 640, 384);
const spec: FrameSourceSpec = {
  path: sharedVideo('bus-pan-720p120-3s.mp4'),
  streamIndex: 0,
  stride: 1,
  letterboxFilter: letterboxFilter(geometry),
  width: 640,
  height: 384,
};

describe('FrameSource', () => {
  it('delivers the same tensor as converting ffmpeg’s raw gbrp output with planarToTensor', async () => {
    const args = frameSourceArgs(spec);
    const raw = execFileSync('ffmpeg', [...args.slice(0, -1), '-frames:v', '1', 'pipe:1'], { maxBuffer: 16 << 20 });
    const expected = new Float32Array(3 * 640 * 384);
    planarToTensor(new Uint8Array(raw.buffer, raw.byteOffset, raw.length), expected, 0, 640, 384);

    const source = new FrameSource(spec);
    const frame = await source.next();
    source.close();
    expect(frame?.index).toBe(0);
    expect(frame?.tensor.length).toBe(expected.length);
    expect(Buffer.from(frame!.tensor.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('delivers float16 bits for an FP16 model: the same as planarToTensor into a Uint16Array', async () => {
    const args = frameSourceArgs(spec);
    const raw = execFileSync('ffmpeg', [...args.slice(0, -1), '-frames:v', '1', 'pipe:1'], { maxBuffer: 16 << 20 });
    const expected = new Uint16Array(3 * 640 * 384);
    planarToTensor(new Uint8Array(raw.buffer, raw.byteOffset, raw.length), expected, 0, 640, 384);
    const source = new FrameSource({ ...spec, tensorType: 'float16' }, 2);
    const first = await source.next();
    expect(first?.tensor).toBeInstanceOf(Uint16Array);
    expect(Buffer.from(first!.tensor.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    source.release(first!); // the slot comes back as float16 too
    for (let i = 0; i < 3; i++) {
      const f = await source.next();
      expect(f?.tensor).toBeInstanceOf(Uint16Array);
      source.release(f!);
    }
    source.close();
    expect(expected.some((v) => v !== 0)).toBe(true);
  });

  it('delivers every Nth frame with its source index, through a pool smaller than the video', async () => {
    const source = new FrameSource({ ...spec, stride: 7 }, 2);
    const indices: number[] = [];
    for await (const frame of source) indices.push(frame.index);
    expect(indices).toHaveLength(Math.ceil(360 / 7));
    expect(indices.slice(0, 3)).toEqual([0, 7, 14]);
  });

  it('stops ffmpeg when closed early', async () => {
    const source = new FrameSource(spec);
    await source.next();
    source.close();
    expect(await source.next()).toBeUndefined();
  });

  it('fails with a clear error when ffmpeg cannot be started', async () => {
    const source = new FrameSource(spec, 2, '/nonexistent/ffmpeg');
    await expect(source.next()).rejects.toThrow(/ffmpeg could not be started/);
    source.close();
  });
});
