#!/usr/bin/env node
// Dynamic-batching throughput of one shared inference session, as a GPU worker uses it
// (driven by bench/gpu.sh; needs `npm run build`: it imports the compiled code from dist/).
//   1. which execution providers load the model (tensorrt, cuda, cpu), and how long loading takes
//   2. fps of the BatchedDetector at each max batch size, with --jobs concurrent "videos" feeding it
//   3. decode fps of the bench video (ffmpeg decode + letterbox to the model size, --decode-streams at once)
//   4. the seed's workload (100 × bench-1080p120-30s.mp4 = 360,000 frames) extrapolated from 2 and 3
// Frames for 2 are synthetic tensors of the size a 1920×1080 video letterboxes to: inference time does not
// depend on pixel values. Output decoding and NMS (CPU, per frame) are not included; see bench/run.js.
//
//   node bench/batcher-bench.js --model ../shared/models/yolov5n-dynamic.onnx --providers tensorrt,cuda,cpu \
//     --batches 1,8,32,64 --jobs 16 --frames 2048 --decode-streams 8 [--hwaccel cuda] [--json out.json]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.TALLY_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const WORKLOAD_FRAMES = 100 * 3600;

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: path.join(shared, 'models', 'yolov5n-dynamic.onnx') },
    providers: { type: 'string', default: 'tensorrt,cuda,cpu' },
    'check-providers': { type: 'string', default: 'tensorrt,cuda,cpu' },
    'device-id': { type: 'string', default: '0' },
    'trt-cache': { type: 'string', default: path.join(os.tmpdir(), 'tally-trt-cache') },
    threads: { type: 'string', default: '0' },
    batches: { type: 'string', default: '1,8,32,64' },
    jobs: { type: 'string', default: '16' },
    frames: { type: 'string', default: '2048' },
    'max-wait-ms': { type: 'string', default: '2' },
    video: { type: 'string', default: path.join(shared, 'videos', 'bench-1080p120-30s.mp4') },
    'decode-frames': { type: 'string', default: '1200' },
    'decode-streams': { type: 'string', default: String(Math.min(8, os.availableParallelism())) },
    hwaccel: { type: 'string', default: '' },
    json: { type: 'string', default: '' },
  },
});

const int = (name) => {
  const v = Number(opts[name]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number, got ${opts[name]}`);
  return v;
};
const list = (name) => opts[name].split(',').map((s) => s.trim()).filter(Boolean);

const dist = (...p) => pathToFileURL(path.join(root, 'dist', 'src', ...p)).href;
for (const f of ['analysis/detector.js', 'inference/batched-detector.js', 'analysis/letterbox.js']) {
  if (!existsSync(path.join(root, 'dist', 'src', f))) throw new Error(`dist/src/${f} is missing: run npm run build first`);
}
const { Detector } = await import(dist('analysis', 'detector.js'));
const { BatchedDetector } = await import(dist('inference', 'batched-detector.js'));
const { letterboxGeometry, letterboxFilter } = await import(dist('analysis', 'letterbox.js'));
const { floatsToHalf } = await import(dist('analysis', 'half.js'));

const ortVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
const model = path.resolve(opts.model);
const result = { model: path.basename(model), ortVersion, providers: {}, batches: [], decode: null, workload: null };
const log = (line = '') => console.log(line);

log(`model ${path.basename(model)}, onnxruntime-node ${ortVersion}, node ${process.version}, ${os.availableParallelism()} CPUs`);

// 1. Which providers load this model.
const detectorOptions = (providers) => ({
  modelPath: model,
  executionProviders: providers,
  threads: int('threads') || undefined,
  deviceId: int('device-id'),
  tensorrtCacheDir: opts['trt-cache'],
});
log('\nproviders (each loaded on its own):');
for (const ep of list('check-providers')) {
  const started = performance.now();
  try {
    const det = await Detector.load(detectorOptions([ep]));
    const ms = performance.now() - started;
    result.providers[ep] = { loads: true, loadMs: Math.round(ms) };
    log(`  ${ep.padEnd(9)} loads   (${(ms / 1000).toFixed(1)} s)`);
    await det.close();
  } catch (err) {
    const message = String(err?.message ?? err).split('\n')[0];
    result.providers[ep] = { loads: false, error: message };
    log(`  ${ep.padEnd(9)} FAILS   ${message.slice(0, 300)}`);
  }
}

// 2. Batched throughput on the preferred provider that loads.
const detector = await Detector.load(detectorOptions(list('providers')));
result.executionProvider = detector.executionProvider;
const size = detector.inputSizeFor(1920, 1080, 640);
result.input = [size.height, size.width];
log(`\nbatched inference on ${detector.executionProvider}, input ${size.width}×${size.height} (1920×1080 letterboxed), ${int('jobs')} concurrent jobs:`);
const jobs = Math.max(1, int('jobs'));
result.precision = detector.inputType === 'float16' ? 'fp16' : 'fp32';
log(`model input ${detector.inputType}${detector.inputType === 'float16' ? ' (an FP16 model: frames are fed as float16 bits, as the frame source makes them)' : ''}`);
const frameOf = (j) => {
  const values = new Float32Array(3 * size.height * size.width);
  for (let i = 0; i < values.length; i += 97) values[i] = ((i + j) % 255) / 255;
  if (detector.inputType !== 'float16') return { data: values, height: size.height, width: size.width };
  const data = new Uint16Array(values.length);
  floatsToHalf(values, data);
  return { data, height: size.height, width: size.width };
};
const frames = Array.from({ length: jobs }, (_, j) => frameOf(j));

/** Feeds `total` frames from `jobs` concurrent producers, each respecting back-pressure. */
async function feed(batched, total) {
  const perJob = Math.ceil(total / jobs);
  await Promise.all(
    frames.map(async (frame, j) => {
      const pending = [];
      for (let i = 0; i < perJob; i++) {
        await batched.whenRoom(`job${j}`);
        pending.push(batched.infer(`job${j}`, frame));
      }
      await Promise.all(pending);
    }),
  );
  return perJob * jobs;
}

let best = null;
for (const maxBatchSize of list('batches').map(Number)) {
  const maxQueuedPerJob = Math.max(4, Math.ceil((2 * maxBatchSize) / jobs));
  const batched = new BatchedDetector(detector, { maxBatchSize, maxWaitMs: int('max-wait-ms'), maxQueuedPerJob });
  await feed(batched, Math.max(maxBatchSize, jobs)); // warm-up: allocations, kernels, TensorRT profiles for this shape
  const before = batched.stats();
  const started = performance.now();
  const total = await feed(batched, Math.max(int('frames'), 4 * maxBatchSize));
  const seconds = (performance.now() - started) / 1000;
  const after = batched.stats();
  await batched.close();
  const calls = after.batches - before.batches;
  const row = {
    maxBatchSize,
    frames: total,
    seconds: +seconds.toFixed(3),
    fps: +(total / seconds).toFixed(1),
    meanBatch: +((after.frames - before.frames) / calls).toFixed(2),
    msPerCall: +((after.runMs - before.runMs) / calls).toFixed(2),
  };
  result.batches.push(row);
  if (!best || row.fps > best.fps) best = row;
  log(`  batch ≤ ${String(maxBatchSize).padEnd(3)} ${row.fps.toFixed(1).padStart(8)} fps   ${total} frames in ${seconds.toFixed(2)} s, mean batch ${row.meanBatch}, ${row.msPerCall} ms per call`);
}
await detector.close();

// 3. Decode: ffmpeg decodes and letterboxes the bench video in --decode-streams processes at once.
async function decodeOnce(video, geom, maxFrames, hwaccel) {
  const frameBytes = 3 * geom.dstWidth * geom.dstHeight;
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  if (hwaccel) args.push('-hwaccel', hwaccel);
  args.push('-i', video, '-an', '-sn', '-vf', letterboxFilter(geom));
  if (maxFrames > 0) args.push('-frames:v', String(maxFrames));
  args.push('-f', 'rawvideo', '-pix_fmt', 'gbrp', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk) => (bytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Math.floor(bytes / frameBytes)) : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim().split('\n').pop()}`))));
  });
}

const streams = int('decode-streams');
if (streams > 0 && existsSync(opts.video)) {
  const geom = letterboxGeometry(1920, 1080, size.width, size.height);
  const started = performance.now();
  try {
    const counts = await Promise.all(Array.from({ length: streams }, () => decodeOnce(opts.video, geom, int('decode-frames'), opts.hwaccel)));
    const seconds = (performance.now() - started) / 1000;
    const total = counts.reduce((a, b) => a + b, 0);
    result.decode = { streams, hwaccel: opts.hwaccel || 'none', frames: total, seconds: +seconds.toFixed(2), fps: +(total / seconds).toFixed(1) };
    log(`\ndecode + letterbox (${path.basename(opts.video)}, ${streams} streams, hwaccel ${opts.hwaccel || 'none'}): ${result.decode.fps} fps (${total} frames in ${seconds.toFixed(1)} s)`);
  } catch (err) {
    log(`\ndecode: ${err.message}`);
  }
} else {
  log(`\ndecode: skipped (${streams === 0 ? '--decode-streams 0' : `${opts.video} not found`})`);
}

// 4. The seed's workload, extrapolated.
const inferSeconds = WORKLOAD_FRAMES / best.fps;
const decodeSeconds = result.decode ? WORKLOAD_FRAMES / result.decode.fps : null;
result.workload = {
  frames: WORKLOAD_FRAMES,
  bestBatch: best.maxBatchSize,
  inferenceSeconds: Math.round(inferSeconds),
  decodeSeconds: decodeSeconds === null ? null : Math.round(decodeSeconds),
  // Decode and inference run concurrently in the worker: the slower stage bounds the wall time.
  overlappedSeconds: Math.round(Math.max(inferSeconds, decodeSeconds ?? 0)),
  serialSeconds: Math.round(inferSeconds + (decodeSeconds ?? 0)),
};
const mmss = (s) => `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
log(`\nseed workload: 100 × 3,600 frames = ${WORKLOAD_FRAMES.toLocaleString('en')} frames`);
log(`  inference alone at batch ≤ ${best.maxBatchSize}: ${mmss(inferSeconds)} (${best.fps} fps; goal ≥ 1,500 fps on an A100)`);
if (decodeSeconds !== null) {
  log(`  decode alone at ${result.decode.fps} fps:     ${mmss(decodeSeconds)}`);
  log(`  end to end, overlapped (max):  ${mmss(result.workload.overlappedSeconds)}   serial (sum): ${mmss(result.workload.serialSeconds)}   (goal < 4 min; promise 20 min)`);
}
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
log(`\nRESULT ${JSON.stringify(result)}`);
