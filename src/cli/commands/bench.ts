import path from 'node:path';
import type { Command } from 'commander';
import { benchBare, benchPipeline, combineBare, deviceDescription, pipelineInputSize } from '../../analysis/benchmark.js';
import { Detector } from '../../analysis/detector.js';
import { VideoAnalyzer } from '../../analysis/pipeline.js';
import { probeVideo } from '../../analysis/probe.js';
import { analyzerOptionsFromEnv } from '../../config/analyzer-options.js';
import { loadEnv } from '../../config/env.js';
import { writeProfile } from '../../cost/profile.js';
import { choice, positiveInt } from '../options.js';

const DEFAULT_VIDEO = '../shared/videos/bench-1080p120-30s.mp4';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Measure bare ONNX Runtime fps, pipeline fps on a video, and their ratio.')
    .option('--video <file>', 'video for the pipeline run', DEFAULT_VIDEO)
    .option('--model <path>', 'YOLOv5 ONNX model (default: TALLY_MODEL_PATH or models/yolov5n.onnx)')
    .option('--threads <n>', 'inference threads (default: TALLY_INFERENCE_THREADS or all cores)', positiveInt('--threads'))
    .option('--stride <n>', 'pipeline stride', positiveInt('--stride'), 1)
    .option('--runs <n>', 'bare inference runs', positiveInt('--runs'), 50)
    .option('--format <format>', 'json or table', choice('--format', ['json', 'table'] as const))
    .option('--profile-out <file>', 'write a throughput profile for `tally cost --profile`')
    .action(async (opts: { video: string; model?: string; threads?: number; stride: number; runs: number; format?: 'json' | 'table'; profileOut?: string }) => {
      const env = loadEnv();
      const modelPath = opts.model ?? env.modelPath;
      const threads = opts.threads ?? env.inferenceThreads;
      const probe = await probeVideo(opts.video);
      const analyzerOptions = analyzerOptionsFromEnv(env, { modelPath, threads: threads || undefined });
      const detector = await Detector.load({ ...analyzerOptions, tensorrtCacheDir: analyzerOptions.tensorrtCacheDir });
      try {
        const input = pipelineInputSize(detector, probe.displayWidth, probe.displayHeight);
        // Bare runs before and after the pipeline run, so that a change in machine load during the
        // benchmark weighs on both sides of the ratio alike.
        const before = await benchBare(detector, input.width, input.height, Math.ceil(opts.runs / 2));
        const analyzer = new VideoAnalyzer(detector, modelPath, analyzerOptions);
        const { result: pipeline } = await benchPipeline(analyzer, opts.video, opts.stride);
        const after = await benchBare(detector, input.width, input.height, Math.ceil(opts.runs / 2), 1);
        const bare = combineBare(before, after);
        const out = {
          device: deviceDescription(detector.executionProvider),
          provider: detector.executionProvider,
          model: path.basename(modelPath),
          input: [input.width, input.height],
          threads: threads || 'default',
          video: { file: path.basename(opts.video), width: probe.displayWidth, height: probe.displayHeight, frames: probe.frames, fps: probe.fps },
          bare,
          pipeline,
          ratio: Math.round((pipeline.fps / bare.fps) * 1000) / 1000,
        };
        if (opts.profileOut) {
          writeProfile(opts.profileOut, {
            version: 1,
            createdAt: new Date().toISOString(),
            device: out.device,
            provider: detector.executionProvider,
            entries: [{
              model: path.basename(modelPath, '.onnx'),
              inputWidth: input.width,
              inputHeight: input.height,
              batch: 1,
              precision: detector.inputType === 'float16' ? 'fp16' : 'fp32',
              threads: threads || undefined,
              inferenceFps: bare.fps,
              // pipelineFps is defined at stride 1: each decoded frame analysed.
              ...(opts.stride === 1 ? { pipelineFps: pipeline.fps } : {}),
            }],
          });
        }
        const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'json');
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          process.stdout.write([
            `device     ${out.device} (${out.provider}), ${out.threads} threads`,
            `model      ${out.model} at ${input.width}x${input.height}`,
            `bare ORT   ${bare.fps.toFixed(2)} fps (${bare.msPerFrame.toFixed(1)} ms/frame, ${bare.runs} runs)`,
            `pipeline   ${pipeline.fps.toFixed(2)} fps on ${out.video.file}, stride ${pipeline.stride}, ${pipeline.framesAnalysed} frames in ${(pipeline.wallMs / 1000).toFixed(1)} s`,
            `           inference ${(pipeline.inferenceMs / 1000).toFixed(1)} s, waiting for decode ${(pipeline.decodeWaitMs / 1000).toFixed(1)} s, tracking ${(pipeline.trackingMs / 1000).toFixed(2)} s, peak RSS ${pipeline.maxRssMb} MB`,
            `ratio      ${out.ratio} (pipeline / bare)`,
            '',
          ].join('\n'));
        }
      } finally {
        await detector.close();
      }
    });
}
