import type { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { InputError } from './errors.js';

/**
 * Streams a video's frames from ffmpeg, already letterboxed to the model input and in planar
 * G,B,R byte order (pix_fmt gbrp: no per-pixel shuffle in JavaScript), through a pipe.
 *
 *   ffmpeg ──stdout──▶ [ pool of N frame buffers ] ──next()──▶ inference ──release()──▶ pool
 *
 * Frames are never written to disk. A small pool of reused buffers decouples decode from
 * inference (ffmpeg keeps decoding while a frame is being inferred) and bounds memory: when
 * every buffer is full the pipe is paused and ffmpeg blocks. Memory is flat in video length.
 */
export interface FrameSourceSpec {
  path: string;
  /** Video stream index in the container (from the probe). */
  streamIndex: number;
  /** Analyse every Nth frame; the others are dropped by ffmpeg before scaling. */
  stride: number;
  /** The ffmpeg filter that scales and pads to the model input (letterboxFilter). */
  letterboxFilter: string;
  width: number;
  height: number;
  /** Decoder threads (0 = ffmpeg decides). */
  threads?: number;
}

export interface Frame {
  /** Index of the frame in the source video (k × stride). */
  index: number;
  /** Planar G, B, R bytes: width × height × 3. Valid until release(). */
  data: Uint8Array;
}

/** The ffmpeg arguments for a frame source: pure, so they are tested by asserting on arrays. */
export function frameSourceArgs(spec: FrameSourceSpec): { input: string[]; output: string[]; filters: string } {
  const filters: string[] = [];
  // select before scaling so skipped frames cost only their decode, never a resize.
  if (spec.stride > 1) filters.push(`select='not(mod(n\\,${spec.stride}))'`);
  filters.push(spec.letterboxFilter, 'format=gbrp');
  return {
    input: ['-nostdin', '-threads', String(spec.threads ?? 0)],
    output: ['-map', `0:${spec.streamIndex}`, '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gbrp'],
    filters: filters.join(','),
  };
}

export class FrameSource implements AsyncIterable<Frame> {
  readonly frameBytes: number;
  private readonly free: Uint8Array[] = [];
  private readonly ready: Uint8Array[] = [];
  private filling: Uint8Array | undefined;
  private filled = 0;
  private produced = 0;
  private ended = false;
  private streamEnded = false;
  private processEnded = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  private stdout: Readable | undefined;
  private command: ffmpeg.FfmpegCommand | undefined;
  private stderrTail = '';
  /** Milliseconds the consumer spent waiting for ffmpeg: decode time not hidden behind inference. */
  waitMs = 0;

  constructor(
    private readonly spec: FrameSourceSpec,
    poolSize = 4,
  ) {
    this.frameBytes = spec.width * spec.height * 3;
    for (let i = 0; i < poolSize; i++) this.free.push(new Uint8Array(this.frameBytes));
  }

  /** Starts ffmpeg. Called by the iterator; idempotent. */
  start(): void {
    if (this.command) return;
    const args = frameSourceArgs(this.spec);
    const cmd = ffmpeg(this.spec.path)
      .inputOptions(args.input)
      .videoFilters(args.filters)
      .outputOptions(args.output)
      .on('stderr', (line: string) => {
        this.stderrTail = (this.stderrTail + line + '\n').slice(-2000);
      })
      .on('error', (err: Error) => {
        if (this.ended) return;
        this.fail(this.decodeError(err));
      })
      .on('end', () => {
        this.processEnded = true;
        this.wake();
      });
    this.command = cmd;
    const stdout = cmd.pipe() as Readable;
    this.stdout = stdout;
    stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    stdout.on('end', () => {
      this.streamEnded = true;
      this.wake();
    });
  }

  private decodeError(err: Error): Error {
    const text = `${err.message}\n${this.stderrTail}`;
    if (/SIGKILL|killed with signal/i.test(err.message)) return new Error('decoding stopped');
    if (/Invalid data|partial file|moov atom|End of file|corrupt/i.test(text)) {
      return new InputError('decode_failed', `the video could not be decoded: ${firstLine(this.stderrTail) || err.message}`);
    }
    return new Error(`ffmpeg failed: ${firstLine(this.stderrTail) || err.message}`);
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.filling) {
        this.filling = this.free.pop();
        this.filled = 0;
        if (!this.filling) {
          // Every buffer is waiting for inference: keep the rest of the chunk and stop reading.
          this.stdout?.pause();
          this.stdout?.unshift(chunk.subarray(offset));
          return;
        }
      }
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.filling.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        this.ready.push(this.filling);
        this.filling = undefined;
        this.wake();
      }
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  /** The next frame, or undefined at the end of the video. */
  async next(): Promise<Frame | undefined> {
    this.start();
    const t0 = performance.now();
    while (this.ready.length === 0 && !this.ended && !this.failure && !(this.streamEnded && this.processEnded)) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.waitMs += performance.now() - t0;
    if (this.failure) throw this.failure;
    const data = this.ready.shift();
    if (!data) return undefined;
    const index = this.produced * this.spec.stride;
    this.produced++;
    return { index, data };
  }

  /** Gives a frame's buffer back to the pool (the frame must not be used afterwards). */
  release(frame: Frame): void {
    this.free.push(frame.data);
    if (this.stdout?.isPaused()) this.stdout.resume();
  }

  /** Frames delivered so far. */
  get framesDelivered(): number {
    return this.produced;
  }

  /** Stops ffmpeg (on abort or error); safe to call more than once. */
  close(): void {
    if (!this.ended) {
      this.ended = true;
      this.command?.kill('SIGKILL');
    }
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    try {
      for (;;) {
        const frame = await this.next();
        if (!frame) return;
        yield frame;
      }
    } finally {
      this.close();
    }
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}
