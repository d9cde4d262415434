/**
 * The analysis core's entry point: video file in, Report out. Used by the CLI, the worker and tests.
 * One Analyzer keeps one loaded model (ONNX session) and serves many videos in turn.
 */
import type { BatcherStats } from '../inference/batcher.js';
import type { Report } from './report.types.js';

export interface AnalyzerOptions {
  /** Path of the YOLOv5 ONNX model (static 640×640 or dynamic). */
  modelPath: string;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
  threads?: number;
  /** Execution providers in order of preference, e.g. ['tensorrt', 'cuda', 'cpu']. */
  executionProviders?: string[];
  /** GPU index for cuda and tensorrt. */
  deviceId?: number;
  /** TensorRT engine cache directory. */
  tensorrtCacheDir?: string;
  /** TensorRT builds FP16 engines from an FP32 model. */
  tensorrtFp16?: boolean;
  /**
   * Dynamic batching of frames across the videos this Analyzer serves at once (and within one
   * video): most frames per inference call, most ms a frame waits for its batch, most frames of
   * one video in flight. Default: batch 1 (CPU).
   */
  batch?: { maxBatchSize: number; maxWaitMs: number; maxQueuedPerJob: number };
  /** Decode on the GPU (ffmpeg -hwaccel cuda). */
  hwaccelDecode?: boolean;
}

export interface AnalyzeOptions {
  /** Analyse every Nth frame (1 = all). Mutually exclusive with analysisFps. */
  stride?: number;
  /** Analyse at about this many frames per second. */
  analysisFps?: number;
  /** Score threshold, default 0.25. */
  conf?: number;
  /** NMS IoU threshold, default 0.45. */
  iou?: number;
  /** Longest side of the model input, default 640. */
  imgsz?: number;
  /** Called every few frames; fraction is 0..1. */
  onProgress?: (progress: { framesDone: number; framesTotal: number; fraction: number }) => void;
  /** Aborts decoding and inference; analyze() then rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface Analyzer {
  analyze(videoPath: string, options?: AnalyzeOptions): Promise<Report>;
  /** The execution provider actually in use (e.g. 'cpu', 'cuda'). */
  readonly executionProvider: string;
  /** The model's input and output precision ('fp16' for an FP16 export). */
  readonly precision: 'fp32' | 'fp16';
  /** The model file's name, e.g. 'yolov5n-dynamic.onnx'. */
  readonly modelName: string;
  /** Dynamic batching so far (batches, frames, sizes): the worker's inference metrics. */
  batchStats(): BatcherStats;
  close(): Promise<void>;
}

/** Loads the model and returns an Analyzer. Implemented in analyzer.impl (see pipeline). */
export type CreateAnalyzer = (options: AnalyzerOptions) => Promise<Analyzer>;
