import os from 'node:os';
import type { Detector } from './detector.js';
import { allocTensor, unitTable } from './half.js';
import { inputSizeFor, letterboxGeometry } from './letterbox.js';
import type { VideoAnalyzer } from './pipeline.js';
import type { Report } from './report.types.js';

export interface BareResult {
  inputWidth: number;
  inputHeight: number;
  runs: number;
  fps: number;
  msPerFrame: number;
}

/**
 * Bare ONNX Runtime throughput: the model alone on a constant letterboxed tensor, after warm-up.
 * This is the ceiling the pipeline is compared with (same input size, same threads).
 */
export async function benchBare(detector: Detector, width: number, height: number, runs: number, warmup = 3): Promise<BareResult> {
  // In the model's own element type (float16 bits for an FP16 model), as the frame source feeds it.
  const tensor = allocTensor(detector.inputType, 3 * width * height).fill(unitTable(detector.inputType)[114]);
  for (let i = 0; i < warmup; i++) await detector.run(tensor, 1, height, width);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await detector.run(tensor, 1, height, width);
  const ms = performance.now() - t0;
  return { inputWidth: width, inputHeight: height, runs, fps: (runs * 1000) / ms, msPerFrame: ms / runs };
}

/** Two bare measurements as one: total runs over total time. */
export function combineBare(a: BareResult, b: BareResult): BareResult {
  const runs = a.runs + b.runs;
  const ms = a.runs * a.msPerFrame + b.runs * b.msPerFrame;
  return { inputWidth: a.inputWidth, inputHeight: a.inputHeight, runs, fps: (runs * 1000) / ms, msPerFrame: ms / runs };
}

/** The input size the pipeline will use for a video of this size with this model. */
export function pipelineInputSize(detector: Detector, videoWidth: number, videoHeight: number, imgsz = 640): { width: number; height: number } {
  const meta = detector.metadata;
  if (!meta.dynamic) return { width: meta.inputWidth, height: meta.inputHeight };
  const size = inputSizeFor(videoWidth, videoHeight, imgsz, true, meta.stride);
  letterboxGeometry(videoWidth, videoHeight, size.width, size.height); // validates
  return size;
}

export function deviceDescription(provider: string): string {
  if (provider !== 'cpu') return provider;
  const cpus = os.cpus();
  return `cpu: ${cpus[0]?.model.trim() ?? 'unknown'} ×${cpus.length}`;
}

export interface PipelineResult {
  stride: number;
  framesAnalysed: number;
  wallMs: number;
  fps: number;
  decodeWaitMs: number;
  inferenceMs: number;
  trackingMs: number;
  maxRssMb: number;
}

export async function benchPipeline(analyzer: VideoAnalyzer, video: string, stride: number): Promise<{ result: PipelineResult; report: Report }> {
  const report = await analyzer.analyze(video, { stride });
  const t = report.timings;
  return {
    report,
    result: {
      stride,
      framesAnalysed: report.analysis.framesAnalysed,
      wallMs: t.wallMs,
      fps: t.fps,
      decodeWaitMs: t.decodeMs,
      inferenceMs: t.inferenceMs,
      trackingMs: t.trackingMs,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
  };
}
