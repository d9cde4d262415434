import { Worker } from 'node:worker_threads';
import { InputError } from './errors.js';
import { unitTable, type TensorData, type TensorElementType } from './half.js';

/**
 * Streams a video's frames from ffmpeg as model-ready tensors. ffmpeg scales and letterboxes each
 * frame to the model input itself and writes planar G,B,R bytes (pix_fmt gbrp) to a pipe; a reader
 * thread turns them into float32 RGB planes (NCHW, 0..1) in shared memory.
 *
 *   ffmpeg ─stdout─▶ reader thread ─▶ [ N shared tensor slots ] ─next()─▶ inference ─release()─┐
 *                         ▲                                                                    │
 *                         └───────────────────────── slot is free again ◀──────────────────────┘
 *
 * The pipe is read on a worker thread because ONNX Runtime's run() occupies the main thread for
 * the whole inference: read there, ffmpeg would stall on a full 64 KB pipe and decode could not
 * overlap inference. The reader also does the byte → float conversion (planarToTensor in
 * tensor.ts, repeated in READER_SOURCE), so the main thread only infers. Slots are a fixed pool of
 * ArrayBuffers whose ownership moves between the threads (postMessage transfer: no copies, no
 * per-frame allocation; ONNX Runtime refuses SharedArrayBuffer-backed tensors). While every slot
 * waits for inference the reader stops reading, ffmpeg blocks, and memory stays flat in video length.
 * Frames are never written to disk.
 */
export interface FrameSourceSpec {
  path: string;
  /** Video stream index in the container (from the probe). */
  streamIndex: number;
  /** Analyse every Nth frame; the others are dropped by ffmpeg before scaling. */
  stride: number;
  /** The ffmpeg filter that scales, converts to gbrp and pads to the model input (letterboxFilter). */
  letterboxFilter: string;
  width: number;
  height: number;
  /** Decoder threads (0 = ffmpeg decides). */
  threads?: number;
  /** Extra input options, e.g. ['-hwaccel', 'cuda'] for GPU decode. */
  hwaccel?: string[];
  /** What the model takes: float32 values (default) or float16 bits (an FP16 model). */
  tensorType?: TensorElementType;
}

export interface Frame {
  /** Index of the frame in the source video (k × stride). */
  index: number;
  /** The model input: R, G, B planes of width × height, values 0..1 (float32, or float16 bits). Valid until release(). */
  tensor: TensorData;
  /** Pool slot (internal). */
  slot: number;
}

/** The ffmpeg command line for a frame source: pure, so it is tested by asserting on arrays. */
export function frameSourceArgs(spec: FrameSourceSpec): string[] {
  const filters: string[] = [];
  // select before scaling so skipped frames cost only their decode, never a resize.
  if (spec.stride > 1) filters.push(`select='not(mod(n\\,${spec.stride}))'`);
  filters.push(spec.letterboxFilter);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-threads', String(spec.threads ?? 0),
    ...(spec.hwaccel ?? []),
    '-i', spec.path,
    '-map', `0:${spec.streamIndex}`, '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'gbrp', 'pipe:1',
  ];
}

/**
 * The reader thread, as plain JavaScript so it runs the same from src (tests) and dist.
 * Out: {frame: slot, buffer} (buffer transferred) | {end: exitCode, signal, stderr}.
 * In: {release: slot, buffer} (buffer transferred back) | {stop: true}.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { ffmpeg, args, frameBytes, poolSize, unit } = workerData;
const Tensor = unit.constructor; // Float32Array, or Uint16Array of float16 bits
const tensors = Array.from({ length: poolSize }, () => new Tensor(frameBytes));
const free = tensors.map((_, i) => i);
const bytes = new Uint8Array(frameBytes);
const plane = frameBytes / 3;
// Same conversion as planarToTensor in tensor.ts: gbrp bytes → R, G, B planes of v / 255 (unitTable in half.ts).
const UNIT = unit;
function convert(dst) {
  for (let i = 0, r = 2 * plane; i < plane; i++) dst[i] = UNIT[bytes[r + i]];
  for (let i = 0, o = plane; i < plane; i++) dst[o + i] = UNIT[bytes[i]];
  for (let i = 0, o = 2 * plane, b = plane; i < plane; i++) dst[o + i] = UNIT[bytes[b + i]];
}
let filling = -1, filled = 0, stderr = '', stopped = false;
const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
child.stdout.on('data', (chunk) => {
  let off = 0;
  while (off < chunk.length) {
    if (filling < 0) {
      if (free.length === 0) { child.stdout.pause(); child.stdout.unshift(chunk.subarray(off)); return; }
      filling = free.shift(); filled = 0;
    }
    const n = Math.min(frameBytes - filled, chunk.length - off);
    bytes.set(chunk.subarray(off, off + n), filled);
    filled += n; off += n;
    if (filled === frameBytes) {
      const t = tensors[filling];
      convert(t);
      parentPort.postMessage({ frame: filling, buffer: t.buffer }, [t.buffer]);
      tensors[filling] = null; filling = -1;
    }
  }
});
let exit = null, streamDone = false;
const finish = () => { if (exit && streamDone) { parentPort.postMessage({ end: exit.code, signal: exit.signal, stderr }); parentPort.close(); } };
child.stdout.on('end', () => { streamDone = true; finish(); });
child.on('close', (code, signal) => { exit = { code, signal }; streamDone = true; finish(); });
child.on('error', (err) => { parentPort.postMessage({ end: -1, signal: null, stderr: String(err.message) }); parentPort.close(); });
parentPort.on('message', (m) => {
  if (m.release !== undefined) {
    tensors[m.release] = new Tensor(m.buffer);
    free.push(m.release);
    if (child.stdout.isPaused()) child.stdout.resume();
  }
  if (m.stop && !stopped) { stopped = true; child.kill('SIGKILL'); }
});
`;

export class FrameSource implements AsyncIterable<Frame> {
  readonly frameBytes: number;
  readonly tensorType: TensorElementType;
  private readonly ready: Array<{ slot: number; buffer: ArrayBuffer }> = [];
  private worker: Worker | undefined;
  private produced = 0;
  private ended = false;
  private closed = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  /** Milliseconds the consumer spent waiting for ffmpeg: decode time not hidden behind inference. */
  waitMs = 0;

  constructor(
    private readonly spec: FrameSourceSpec,
    private readonly poolSize = 6,
    private readonly ffmpegPath = process.env.FFMPEG_PATH || 'ffmpeg',
  ) {
    this.frameBytes = spec.width * spec.height * 3;
    this.tensorType = spec.tensorType ?? 'float32';
  }

  /** Starts ffmpeg on the reader thread. Called by next(); idempotent. */
  start(): void {
    if (this.worker || this.closed) return;
    const worker = new Worker(READER_SOURCE, {
      eval: true,
      workerData: {
        ffmpeg: this.ffmpegPath,
        args: frameSourceArgs(this.spec),
        frameBytes: this.frameBytes,
        poolSize: this.poolSize,
        unit: unitTable(this.tensorType),
      },
    });
    this.worker = worker;
    worker.on('message', (m: { frame?: number; buffer?: ArrayBuffer; end?: number; signal?: string | null; stderr?: string }) => {
      if (m.frame !== undefined && m.buffer) this.ready.push({ slot: m.frame, buffer: m.buffer });
      if (m.end !== undefined) {
        this.ended = true;
        if (m.end !== 0 && !this.closed) this.failure = decodeError(m.end, m.signal ?? null, m.stderr ?? '');
      }
      this.wake();
    });
    worker.on('error', (err) => {
      this.failure ??= err;
      this.wake();
    });
    worker.on('exit', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next frame, or undefined at the end of the video. */
  async next(): Promise<Frame | undefined> {
    this.start();
    const t0 = performance.now();
    while (this.ready.length === 0 && !this.ended && !this.failure && !this.closed) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.waitMs += performance.now() - t0;
    if (this.failure) throw this.failure;
    const item = this.ready.shift();
    if (item === undefined) return undefined;
    const index = this.produced * this.spec.stride;
    this.produced++;
    return { index, tensor: this.tensorType === 'float16' ? new Uint16Array(item.buffer) : new Float32Array(item.buffer), slot: item.slot };
  }

  /** Gives a frame's slot back to the reader (the frame must not be used afterwards). */
  release(frame: Frame): void {
    if (this.closed || !this.worker) return;
    const buffer = frame.tensor.buffer as ArrayBuffer;
    this.worker.postMessage({ release: frame.slot, buffer }, [buffer]);
  }

  /** Frames delivered so far. */
  get framesDelivered(): number {
    return this.produced;
  }

  /** Stops ffmpeg and the reader (on abort, error or end); safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (worker) {
      if (!this.ended) worker.postMessage({ stop: true });
      // The reader exits once ffmpeg is gone; terminate() makes sure it does.
      setTimeout(() => void worker.terminate(), this.ended ? 0 : 1000).unref();
    }
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    try {
      for (;;) {
        const frame = await this.next();
        if (!frame) return;
        yield frame;
        this.release(frame);
      }
    } finally {
      this.close();
    }
  }
}

function decodeError(code: number, signal: string | null, stderr: string): Error {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  if (code === -1) return new Error(`ffmpeg could not be started: ${line} (install ffmpeg or set FFMPEG_PATH)`);
  if (signal) return new Error(`ffmpeg was stopped by ${signal}`);
  if (/Invalid data|partial file|moov atom|End of file|corrupt|error while decoding/i.test(stderr)) {
    return new InputError('decode_failed', `the video could not be decoded: ${line}`);
  }
  return new Error(`ffmpeg failed (exit ${code}): ${line}`);
}
