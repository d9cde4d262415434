import { describe, expect, it } from '@jest/globals';
import type { FfprobeData } from 'fluent-ffmpeg';
import { InputError } from '../../src/analysis/errors.js';
import { parseRational, toVideoProbe } from '../../src/analysis/probe.js';

const video = (extra: Record<string, unknown> = {}) => ({
  index: 0, codec_type: 'video', codec_name: 'h264', width: 1280, height: 720,
  r_frame_rate: '120/1', avg_frame_rate: '120/1', duration: '3.000000', nb_frames: '360', disposition: {}, ...extra,
});
const probeData = (streams: unknown[], format: Record<string, unknown> = {}): FfprobeData =>
  ({ streams, format: { duration: '3.0', format_name: 'mov,mp4', ...format }, chapters: [] }) as unknown as FfprobeData;

describe('parseRational', () => {
  it.each([
    ['120/1', 120],
    ['30000/1001', 30000 / 1001],
    ['0/0', 0],
    [undefined, 0],
    ['25', 25],
  ])('%s → %d', (input, expected) => expect(parseRational(input)).toBeCloseTo(expected, 6));
});

describe('toVideoProbe', () => {
  it('reads a plain 720p120 stream', () => {
    const p = toVideoProbe(probeData([video()]), 1000);
    expect(p).toMatchObject({ streamIndex: 0, width: 1280, height: 720, fps: 120, frames: 360, durationSec: 3, rotation: 0, variableFrameRate: false });
  });

  it('finds the video stream when it is not stream 0, skipping cover art', () => {
    const streams = [
      { index: 0, codec_type: 'audio', codec_name: 'aac' },
      video({ index: 1, codec_name: 'mjpeg', width: 300, height: 300, disposition: { attached_pic: 1 } }),
      video({ index: 2 }),
    ];
    expect(toVideoProbe(probeData(streams), 1).streamIndex).toBe(2);
  });

  it('applies the display-matrix rotation to the displayed size', () => {
    const p = toVideoProbe(probeData([video({ side_data_list: [{ rotation: -90 }] })]), 1);
    expect(p).toMatchObject({ rotation: 90, displayWidth: 720, displayHeight: 1280 });
    const legacy = toVideoProbe(probeData([video({ tags: { rotate: '270' } })]), 1);
    expect(legacy.rotation).toBe(270);
  });

  it('uses the average rate for variable frame rate and flags it', () => {
    const p = toVideoProbe(probeData([video({ r_frame_rate: '60/1', avg_frame_rate: '45/1', nb_frames: undefined, duration: '2.0' })]), 1);
    expect(p.fps).toBe(45);
    expect(p.frames).toBe(90);
    expect(p.variableFrameRate).toBe(true);
  });

  it('rejects a file without a video stream', () => {
    expect(() => toVideoProbe(probeData([{ index: 0, codec_type: 'audio' }]), 1)).toThrow(InputError);
    expect(() => toVideoProbe(probeData([{ index: 0, codec_type: 'audio' }]), 1)).toThrow(/no video stream/);
  });
});
