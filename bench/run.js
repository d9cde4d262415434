#!/usr/bin/env node
// `npm run bench`: the analysis core's throughput figures and ratios on this machine.
//   1. bare ONNX Runtime fps vs pipeline fps on the bench video (ratio; goal ≥ 0.9)
//   2. peak memory of a full analysis (goal < 600 MB)
//   3. stride 4 vs stride 1 wall time (goal ≥ 3.5× faster)
// Set BENCH_VIDEO to use another video, BENCH_QUICK=1 for the 3-second bus clip.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.TALLY_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const video = process.env.BENCH_VIDEO ?? path.join(shared, 'videos', process.env.BENCH_QUICK ? 'bus-pan-720p120-3s.mp4' : 'bench-1080p120-30s.mp4');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const threads = process.env.TALLY_INFERENCE_THREADS ?? '2';

function tally(args) {
  const res = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) {
    process.stderr.write(res.stderr);
    throw new Error(`tally ${args.join(' ')} exited ${res.status}`);
  }
  return JSON.parse(res.stdout);
}

console.log(`video: ${path.basename(video)}, ${threads} inference threads\n`);
const s1 = tally(['bench', '--video', video, '--threads', threads, '--format', 'json', '--stride', '1']);
console.log(`bare ONNX Runtime   ${s1.bare.fps.toFixed(2)} fps at ${s1.input.join('x')} (${s1.bare.msPerFrame.toFixed(1)} ms/frame)`);
console.log(`pipeline, stride 1  ${s1.pipeline.fps.toFixed(2)} fps, ${s1.pipeline.framesAnalysed} frames in ${(s1.pipeline.wallMs / 1000).toFixed(1)} s` +
  ` (waiting for decode ${(s1.pipeline.decodeWaitMs / 1000).toFixed(1)} s)`);
console.log(`ratio               ${s1.ratio.toFixed(3)}   (goal ≥ 0.9)`);
console.log(`peak RSS            ${s1.pipeline.maxRssMb} MB   (goal < 600 MB)`);

const s4 = tally(['bench', '--video', video, '--threads', threads, '--format', 'json', '--stride', '4', '--runs', '5']);
const speedup = s1.pipeline.wallMs / s4.pipeline.wallMs;
console.log(`pipeline, stride 4  ${s4.pipeline.fps.toFixed(2)} fps, ${s4.pipeline.framesAnalysed} frames in ${(s4.pipeline.wallMs / 1000).toFixed(1)} s`);
console.log(`stride 4 speed-up   ${speedup.toFixed(2)}×   (goal ≥ 3.5×)`);
