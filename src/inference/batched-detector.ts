/**
 * One Detector (one ONNX Runtime session, one GPU) shared by every job of a worker through the
 * DynamicBatcher: each job submits its letterboxed frames one by one; frames of the same input size
 * are stacked into one [N, 3, H, W] tensor for a dynamic-batch model (yolov5n-dynamic.onnx), and
 * output0 [N, anchors, 5 + nc] is split back, one [anchors, 5 + nc] view per frame.
 *
 *   job A frame (3×H×W) ─┐                       ┌─▶ rows of frame A
 *   job B frame (3×H×W) ─┼─▶ [N,3,H,W] ─▶ run ─▶ ┼─▶ rows of frame B
 *   job C frame (3×H×W) ─┘    output0 [N,A,85]   └─▶ rows of frame C
 *
 * Frames of different input sizes (a 16:9 video is 384×640, a 4:3 one 480×640) may share a batch
 * call: they are run as one sub-batch per size. A model with a fixed batch of 1 runs frame by frame.
 */
import type { Detections } from '../analysis/detections.js';
import type { Detector, ModelOutput } from '../analysis/detector.js';
import { allocTensor, elementTypeOf, type TensorData } from '../analysis/half.js';
import type { LetterboxGeometry } from '../analysis/letterbox.js';
import { YoloDecoder, type DecodeOptions } from '../analysis/yolo-decode.js';
import { DynamicBatcher, type BatcherOptions, type BatcherStats, type RunBatch } from './batcher.js';

/** One letterboxed frame: planar RGB, 0..1, 3 × height × width values (float32, or float16 bits for an FP16 model). */
export interface FrameTensor {
  data: TensorData;
  height: number;
  width: number;
}

/** A frame's model output: `anchors` rows of `rowSize` floats (cx, cy, w, h, obj, classes…). */
export interface FrameOutput {
  /** A view into the batch's output0 (float16 bits for an FP16 model); not reused by the batcher, safe to keep. */
  data: TensorData;
  anchors: number;
  rowSize: number;
}

/** The part of a Detector the batcher needs (a Detector, or a stand-in in tests). */
export type BatchableDetector = Pick<Detector, 'infer' | 'executionProvider'> & {
  readonly metadata: Pick<Detector['metadata'], 'dynamicBatch'>;
};

/**
 * The batch function for a detector: groups the inputs by size, stacks each group into one tensor,
 * runs it and splits output0. Stacking buffers are pooled per size and reused once a run returns.
 */
export function detectorRunBatch(detector: BatchableDetector): RunBatch<FrameTensor, FrameOutput> {
  const pool = new Map<string, TensorData[]>();
  const take = (key: string, like: TensorData, length: number): TensorData => {
    const free = pool.get(key) ?? [];
    const index = free.findIndex((b) => b.length >= length);
    return index >= 0 ? free.splice(index, 1)[0] : allocTensor(elementTypeOf(like), length);
  };
  const give = (key: string, buffer: TensorData): void => {
    const free = pool.get(key) ?? [];
    if (free.length < 2) free.push(buffer); // two batches in flight at most need two buffers
    pool.set(key, free);
  };

  const runGroup = async (frames: FrameTensor[]): Promise<FrameOutput[]> => {
    const { height, width } = frames[0];
    const perFrame = 3 * height * width;
    if (frames.length === 1 || !detector.metadata.dynamicBatch) {
      const outputs: FrameOutput[] = [];
      for (const frame of frames) outputs.push(split(await detector.infer(frame.data, 1, height, width), 1)[0]);
      return outputs;
    }
    const key = `${height}x${width}:${elementTypeOf(frames[0].data)}`;
    const stacked = take(key, frames[0].data, frames.length * perFrame);
    try {
      frames.forEach((frame, i) => (stacked as Float32Array).set(frame.data.subarray(0, perFrame) as Float32Array, i * perFrame));
      return split(await detector.infer(stacked, frames.length, height, width), frames.length);
    } finally {
      give(key, stacked);
    }
  };

  return async (inputs) => {
    const groups = new Map<string, number[]>();
    inputs.forEach((frame, i) => {
      // Like with like: a frame not of the model's element type is converted by the detector, group by group.
      const key = `${frame.height}x${frame.width}:${elementTypeOf(frame.data)}`;
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
    const outputs = new Array<FrameOutput>(inputs.length);
    for (const indexes of groups.values()) {
      const results = await runGroup(indexes.map((i) => inputs[i]));
      indexes.forEach((inputIndex, k) => (outputs[inputIndex] = results[k]));
    }
    return outputs;
  };
}

/** Splits output0 [batch, anchors, rowSize] into one view per image. */
function split(output: ModelOutput, batch: number): FrameOutput[] {
  const [n, anchors, rowSize] = output.dims;
  if (n !== batch || output.data.length < batch * anchors * rowSize) {
    throw new Error(`the model returned output0 of shape [${output.dims.join(', ')}] for a batch of ${batch}`);
  }
  const per = anchors * rowSize;
  return Array.from({ length: batch }, (_, i) => ({ data: output.data.subarray(i * per, (i + 1) * per), anchors, rowSize }));
}

/**
 * A Detector behind a DynamicBatcher: what a worker holds, one per GPU. Bad frames are refused at
 * submit time, so they cannot fail a batch that other jobs' frames share.
 */
export class BatchedDetector {
  private readonly batcher: DynamicBatcher<FrameTensor, FrameOutput>;
  /** Decoding is synchronous, so one decoder (its scratch buffers) serves every job. */
  private readonly decoder = new YoloDecoder();

  constructor(
    private readonly detector: BatchableDetector,
    options: BatcherOptions,
  ) {
    this.batcher = new DynamicBatcher(detectorRunBatch(detector), options);
  }

  /** The execution provider of the shared session (e.g. 'cuda'). */
  get executionProvider(): string {
    return this.detector.executionProvider;
  }

  /** Runs one frame of a job; results of a job resolve in the order its frames were submitted. */
  infer(jobId: string, frame: FrameTensor): Promise<FrameOutput> {
    const { data, height, width } = frame;
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || data.length < 3 * height * width) {
      return Promise.reject(new RangeError(`a frame of ${width}×${height} needs ${3 * width * height} floats, got ${data.length}`));
    }
    return this.batcher.submit(jobId, frame);
  }

  /**
   * infer() then decode: the frame's Detections in source pixels, as Detector.detect gives for a
   * batch of one. `frame.data` must stay unchanged until the promise settles (it is read when the
   * batch runs, not when it is submitted).
   */
  async detect(jobId: string, frame: FrameTensor, geometry: LetterboxGeometry, options: Omit<DecodeOptions, 'letterbox'>, out?: Detections): Promise<Detections> {
    const output = await this.infer(jobId, frame);
    return this.decoder.decode(output.data, output, 0, { ...options, letterbox: geometry }, out);
  }

  /** Resolves when the job may submit another frame without waiting (back-pressure for its decoder). */
  whenRoom(jobId: string): Promise<void> {
    return this.batcher.whenRoom(jobId);
  }

  /** Drops a finished, failed or aborted job's pending frames. */
  closeJob(jobId: string, reason?: string): void {
    this.batcher.closeJob(jobId, reason);
  }

  stats(): BatcherStats {
    return this.batcher.stats();
  }

  /** Stops the batcher and waits for running batches; the detector itself is closed by its owner. */
  close(): Promise<void> {
    return this.batcher.close();
  }
}
