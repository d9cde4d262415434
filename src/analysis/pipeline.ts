import path from 'node:path';
import { BatchedDetector } from '../inference/batched-detector.js';
import type { BatcherStats } from '../inference/batcher.js';
import { createDetections, type Detections } from './detections.js';
import type { Analyzer, AnalyzeOptions, AnalyzerOptions } from './analyzer.js';
import { Detector } from './detector.js';
import { UsageError } from './errors.js';
import { FrameSource, type Frame } from './frame-source.js';
import { inputSizeFor, letterboxFilter, letterboxGeometry } from './letterbox.js';
import { probeVideo } from './probe.js';
import { buildReport, VisibilityAccumulator } from './report.js';
import type { Report } from './report.types.js';
import { SceneCutDetector } from './scene-cut.js';
import { ByteTracker } from './tracker/index.js';
import { tallyVersion } from './version.js';
import type { VideoProbe } from './probe.types.js';

export const DEFAULT_CONF = 0.25;
export const DEFAULT_IOU = 0.45;
export const DEFAULT_IMGSZ = 640;

/** Validated analysis settings. */
export interface AnalysisSettings {
  stride: number;
  conf: number;
  iou: number;
  imgsz: number;
}

/** Checks the user's options; UsageError names the option and the allowed range. */
export function resolveSettings(options: AnalyzeOptions, fps: number | undefined): AnalysisSettings {
  const { stride, analysisFps, conf = DEFAULT_CONF, iou = DEFAULT_IOU, imgsz = DEFAULT_IMGSZ } = options;
  if (stride !== undefined && analysisFps !== undefined) throw new UsageError('use either stride or analysis fps, not both');
  if (stride !== undefined && !(Number.isInteger(stride) && stride >= 1 && stride <= 1000)) {
    throw new UsageError(`stride must be a whole number from 1 to 1000 (got ${stride})`);
  }
  if (analysisFps !== undefined && !(analysisFps > 0 && analysisFps <= 1000)) {
    throw new UsageError(`analysis fps must be above 0 and at most 1000 (got ${analysisFps})`);
  }
  if (!(conf > 0 && conf < 1)) throw new UsageError(`conf must be between 0 and 1 (got ${conf})`);
  if (!(iou > 0 && iou < 1)) throw new UsageError(`iou must be between 0 and 1 (got ${iou})`);
  if (!(Number.isInteger(imgsz) && imgsz >= 64 && imgsz <= 4096 && imgsz % 32 === 0)) {
    throw new UsageError(`imgsz must be a multiple of 32 from 64 to 4096 (got ${imgsz})`);
  }
  const resolvedStride = stride ?? (analysisFps !== undefined && fps ? Math.max(1, Math.round(fps / analysisFps)) : 1);
  return { stride: resolvedStride, conf, iou, imgsz };
}

function abortError(): Error {
  const err = new Error('analysis canceled');
  err.name = 'AbortError';
  return err;
}

/**
 * The pipeline for one video:
 *
 *   probe → ffmpeg (select stride, letterbox, gbrp) → tensor → YOLOv5 → decode+NMS → un-letterbox
 *         → scene-cut check → tracker → per-second visibility → report
 *
 * ffmpeg decodes in its own process, and a reader thread turns its output into tensors, while
 * ONNX Runtime infers, so decode hides behind inference; only the time spent waiting for a frame
 * is counted as decode time. Inference goes through one BatchedDetector shared by every video
 * this Analyzer serves at once: up to `window` frames of a video are in flight, and frames of
 * concurrent videos are stacked into one batch (batch 1 on CPU). Results come back in order,
 * so the tracker sees frames in sequence.
 */
export class VideoAnalyzer implements Analyzer {
  private readonly batched: BatchedDetector;
  /** Frames of one video in flight at once. */
  private readonly window: number;
  private nextJob = 1;

  constructor(
    private readonly detector: Detector,
    private readonly modelPath: string,
    private readonly options: Pick<AnalyzerOptions, 'batch' | 'hwaccelDecode'> = {},
  ) {
    const batch = options.batch ?? { maxBatchSize: 1, maxWaitMs: 0, maxQueuedPerJob: 2 };
    this.window = Math.max(1, Math.min(batch.maxQueuedPerJob, Math.max(2, batch.maxBatchSize)));
    this.batched = new BatchedDetector(detector, { ...batch, maxQueuedPerJob: this.window });
  }

  get executionProvider(): string {
    return this.detector.executionProvider;
  }

  get precision(): 'fp32' | 'fp16' {
    return this.detector.precision;
  }

  get modelName(): string {
    return path.basename(this.modelPath);
  }

  /** Batching so far: batches, frames, mean batch size, histogram (for metrics and benchmarks). */
  batchStats(): BatcherStats {
    return this.batched.stats();
  }

  async analyze(videoPath: string, options: AnalyzeOptions = {}): Promise<Report> {
    resolveSettings(options, undefined); // reject bad options before touching the file
    const wallStart = performance.now();
    const probe = await probeVideo(videoPath);
    const settings = resolveSettings(options, probe.fps);
    const meta = this.detector.metadata;
    const input = meta.dynamic
      ? inputSizeFor(probe.displayWidth, probe.displayHeight, settings.imgsz, true, meta.stride)
      : { width: meta.inputWidth, height: meta.inputHeight };
    const geometry = letterboxGeometry(probe.displayWidth, probe.displayHeight, input.width, input.height);
    const source = new FrameSource({
      path: videoPath,
      streamIndex: probe.streamIndex,
      stride: settings.stride,
      letterboxFilter: letterboxFilter(geometry),
      width: input.width,
      height: input.height,
      hwaccel: this.options.hwaccelDecode ? ['-hwaccel', 'cuda'] : undefined,
      tensorType: meta.inputType, // float16 bits straight from the reader thread for an FP16 model
    }, this.window + 2);
    const planeSize = input.width * input.height;
    const visibility = new VisibilityAccumulator();
    // The tracker tells the timeline which objects each frame showed, once it knows which tracks are objects.
    const tracker = new ByteTracker({}, (sec, classIds) => visibility.add(sec, classIds));
    const sceneCuts = new SceneCutDetector();
    const framesTotal = Math.max(1, Math.ceil(probe.frames / settings.stride));
    const progressEvery = Math.max(1, Math.floor(framesTotal / 100));
    let inferenceMs = 0;
    let trackingMs = 0;
    let frames = 0;

    const jobId = `video-${this.nextJob++}`;
    const decode = { conf: settings.conf, iou: settings.iou };
    // A ring of reused outputs: slot k % window is free again once frame k − window was tracked.
    const outs = Array.from({ length: this.window }, () => createDetections(64));
    const inFlight: Array<{ frame: Frame; cut: boolean; result: Promise<Detections> }> = [];
    let submitted = 0;
    let endOfVideo = false;

    const onAbort = () => {
      source.close();
      this.batched.closeJob(jobId, 'analysis canceled');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (options.signal?.aborted) throw abortError();
        while (!endOfVideo && inFlight.length < this.window) {
          const frame = await source.next();
          if (!frame) {
            endOfVideo = true;
            break;
          }
          const cut = sceneCuts.update(frame.tensor, planeSize);
          const result = this.batched.detect(jobId, { data: frame.tensor, height: input.height, width: input.width }, geometry, decode, outs[submitted++ % this.window]);
          result.catch(() => undefined); // awaited below, in order
          inFlight.push({ frame, cut, result });
        }
        const head = inFlight.shift();
        if (!head) break;
        const t0 = performance.now();
        let dets: Detections;
        try {
          dets = await head.result;
        } finally {
          source.release(head.frame);
        }
        const t1 = performance.now();
        const { cut, frame: { index } } = head;
        const timeSec = index / probe.fps;
        if (cut) tracker.sceneCut();
        tracker.update(dets, index, timeSec);
        trackingMs += performance.now() - t1;
        inferenceMs += t1 - t0;
        frames++;
        if (options.onProgress && (frames % progressEvery === 0)) {
          options.onProgress({ framesDone: frames, framesTotal, fraction: Math.min(1, frames / framesTotal) });
        }
      }
    } catch (err) {
      if (options.signal?.aborted) throw abortError();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.batched.closeJob(jobId);
      source.close();
    }
    if (options.signal?.aborted) throw abortError();
    options.onProgress?.({ framesDone: frames, framesTotal: frames, fraction: 1 });

    const result = tracker.finish();
    return buildReport({
      probe,
      names: meta.names,
      objects: result.objects,
      visibility,
      quality: { droppedTracks: result.droppedTracks, classFlips: result.classFlips, sceneCuts: result.sceneCuts },
      analysis: {
        model: this.modelName,
        modelSha256: meta.sha256,
        classes: meta.names,
        inputSize: [input.width, input.height],
        conf: settings.conf,
        iou: settings.iou,
        stride: settings.stride,
        framesAnalysed: frames,
        executionProvider: this.detector.executionProvider,
        precision: this.precision,
        tracker: tracker.describe(),
        tallyVersion,
      },
      timings: { wallMs: performance.now() - wallStart, decodeMs: source.waitMs, inferenceMs, trackingMs },
    });
  }

  async close(): Promise<void> {
    await this.batched.close();
    await this.detector.close();
  }
}

/** Loads the model once; the Analyzer then serves many videos, one after another or at once. */
export async function createAnalyzer(options: AnalyzerOptions): Promise<VideoAnalyzer> {
  const detector = await Detector.load({
    modelPath: options.modelPath,
    threads: options.threads,
    executionProviders: options.executionProviders,
    deviceId: options.deviceId,
    tensorrtCacheDir: options.tensorrtCacheDir || undefined,
    tensorrtFp16: options.tensorrtFp16,
  });
  return new VideoAnalyzer(detector, options.modelPath, options);
}

export type { VideoProbe };
