import { open, stat } from 'node:fs/promises';
import ffmpeg, { type FfprobeData, type FfprobeStream } from 'fluent-ffmpeg';
import { InputError } from './errors.js';
import type { VideoProbe } from './probe.types.js';

/** Parses an ffprobe rational such as "120/1" or "30000/1001"; 0 when absent or 0/0. */
export function parseRational(value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  const [num, den] = value.split('/').map(Number);
  if (den === undefined) return Number.isFinite(num) ? num : 0;
  return den > 0 && Number.isFinite(num) ? num / den : 0;
}

function num(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) ? n : NaN;
}

/** Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix or the legacy rotate tag. */
export function rotationOf(stream: FfprobeStream): number {
  const sideData = (stream as { side_data_list?: Array<{ rotation?: number | string }> }).side_data_list ?? [];
  let degrees = 0;
  for (const sd of sideData) {
    if (sd.rotation !== undefined) degrees = -num(sd.rotation); // display matrix rotation is counter-clockwise
  }
  const tag = (stream.tags as Record<string, string> | undefined)?.rotate;
  if (!degrees && tag !== undefined) degrees = num(tag);
  if (!Number.isFinite(degrees)) return 0;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/** The stream to analyse: the first real video stream (cover art and thumbnails are skipped). */
export function pickVideoStream(data: FfprobeData): FfprobeStream | undefined {
  return data.streams.find(
    (s) => s.codec_type === 'video' && !(s.disposition as Record<string, number> | undefined)?.attached_pic && (s.width ?? 0) > 0,
  );
}

/** Normalises ffprobe's output into a VideoProbe. Pure, so it is tested on recorded ffprobe JSON. */
export function toVideoProbe(data: FfprobeData, sizeBytes: number): VideoProbe {
  const stream = pickVideoStream(data);
  if (!stream) throw new InputError('no_video_stream', 'the file has no video stream (audio only, or not a video)');
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  const avg = parseRational(stream.avg_frame_rate);
  const real = parseRational(stream.r_frame_rate);
  const durationSec = [num(stream.duration), num(data.format.duration)].find((d) => Number.isFinite(d) && d > 0) ?? 0;
  const nbFrames = num(stream.nb_frames);
  // avg_frame_rate is frames/duration, which is what a variable-frame-rate video averages to.
  let fps = avg > 0 ? avg : real;
  if (!(fps > 0) && nbFrames > 0 && durationSec > 0) fps = nbFrames / durationSec;
  if (!(fps > 0)) throw new InputError('no_frame_rate', 'the video stream has no frame rate (a still image or a broken file)');
  if (!(durationSec > 0)) throw new InputError('no_duration', 'the video has no duration (empty or broken file)');
  const frames = nbFrames > 0 ? nbFrames : Math.round(durationSec * fps);
  const rotation = rotationOf(stream);
  const swap = rotation === 90 || rotation === 270;
  return {
    streamIndex: stream.index,
    codec: stream.codec_name ?? 'unknown',
    width,
    height,
    rotation,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    fps,
    durationSec,
    frames,
    variableFrameRate: avg > 0 && real > 0 && Math.abs(avg - real) / real > 0.01,
    sizeBytes,
    formatName: data.format.format_name ?? 'unknown',
  };
}

/** True when the file starts like an ISO-BMFF (MP4/MOV) file: a box whose type is ftyp, moov, mdat, free or wide. */
async function looksLikeMp4(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    return /^(ftyp|moov|mdat|free|wide|skip)$/.test(head.toString('latin1', 4, 8));
  } finally {
    await handle.close();
  }
}

function ffprobe(path: string): Promise<FfprobeData> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, (err: Error | null, data: FfprobeData) => (err ? reject(err) : resolve(data)));
  });
}

/**
 * Probes a video file with ffprobe. Bad input (missing, empty, not a video, truncated, no video
 * stream) is an InputError with a message a user can act on.
 */
export async function probeVideo(path: string): Promise<VideoProbe> {
  let sizeBytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InputError('not_a_file', `${path} is not a file`);
    sizeBytes = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('not_found', `${path} does not exist or cannot be read`);
  }
  if (sizeBytes === 0) throw new InputError('empty_file', 'the file is empty (0 bytes)');
  let data: FfprobeData;
  try {
    data = await ffprobe(path);
  } catch (err) {
    const detail = String((err as Error).message ?? err);
    if (/moov atom not found/i.test(detail) && (await looksLikeMp4(path))) {
      throw new InputError('truncated', 'the video is truncated or incomplete (its index is missing): upload the whole file');
    }
    if (/ENOENT|spawn/i.test(detail) && !/Invalid data/i.test(detail)) throw err;
    throw new InputError('not_a_video', 'the file is not a video that can be decoded');
  }
  return toVideoProbe(data, sizeBytes);
}
