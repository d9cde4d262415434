#!/usr/bin/env node
// The detector's pieces, timed alone on this machine (run `npm run build` first):
//   1. bare Detector.run fps (static model 640×640, and the dynamic model at 640×384 for 16:9)
//   2. decode + NMS per frame, on the model's real output for bus.jpg and zidane.jpg
//   3. gbrp → float tensor per frame
// Env: BENCH_THREADS (default 2), BENCH_RUNS (default 30), TALLY_SHARED_DIR.
import path from 'node:path';
import { Detector } from '../dist/src/analysis/detector.js';
import { loadImageTensor } from '../dist/src/analysis/image.js';
import { planarToTensor } from '../dist/src/analysis/tensor.js';
import { YoloDecoder } from '../dist/src/analysis/yolo-decode.js';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.TALLY_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const threads = Number(process.env.BENCH_THREADS ?? 2);
const runs = Number(process.env.BENCH_RUNS ?? 30);
const model = (name) => path.join(shared, 'models', name);
const image = (name) => path.join(shared, 'images', name);

async function bareFps(modelPath, width, height) {
  const detector = await Detector.load({ modelPath, threads });
  const tensor = new Float32Array(3 * width * height).fill(114 / 255);
  for (let i = 0; i < 5; i++) await detector.run(tensor, 1, height, width);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await detector.run(tensor, 1, height, width);
  const ms = (performance.now() - t0) / runs;
  await detector.close();
  console.log(`bare run    ${path.basename(modelPath).padEnd(22)} ${width}×${height}  ${(1000 / ms).toFixed(1)} fps  (${ms.toFixed(1)} ms/frame, ${runs} runs, ${threads} threads)`);
}

function time(fn, reps) {
  for (let i = 0; i < Math.min(50, reps); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

async function decodeCost() {
  const detector = await Detector.load({ modelPath: model('yolov5n.onnx'), threads });
  const decoder = new YoloDecoder();
  for (const name of ['bus.jpg', 'zidane.jpg']) {
    const img = await loadImageTensor(image(name), 640, 640);
    const { data, dims } = await detector.infer(img.tensor, 1, 640, 640);
    const layout = { anchors: dims[1], rowSize: dims[2] };
    for (const conf of [0.25, 0.001]) {
      let count = 0;
      const ms = time(() => {
        count = decoder.decode(data, layout, 0, { conf, iou: 0.45, letterbox: img.geometry }).count;
      }, 300);
      console.log(`decode+NMS  ${name.padEnd(11)} conf ${String(conf).padEnd(5)}  ${ms.toFixed(3)} ms/frame  (${count} boxes kept)`);
    }
  }
  await detector.close();
}

function tensorCost(width, height) {
  const frame = new Uint8Array(3 * width * height).map((_, i) => i * 7);
  const tensor = new Float32Array(3 * width * height);
  const ms = time(() => planarToTensor(frame, tensor, 0, width, height), 200);
  console.log(`gbrp→tensor ${width}×${height}  ${ms.toFixed(2)} ms/frame`);
}

await bareFps(model('yolov5n.onnx'), 640, 640);
await bareFps(model('yolov5n-dynamic.onnx'), 640, 384);
await decodeCost();
tensorCost(640, 640);
tensorCost(640, 384);
