import type { Command } from 'commander';
import { boxAt, type Detections } from '../../analysis/detections.js';
import { Detector } from '../../analysis/detector.js';
import { UsageError } from '../../analysis/errors.js';
import { loadImageTensor, probeImage, type ImageResize } from '../../analysis/image.js';
import { loadEnv } from '../../config/env.js';
import { choice, fraction, positiveInt } from '../options.js';

export interface DetectedObject {
  class: string;
  classId: number;
  /** Score (objectness × class probability), 4 decimals. */
  conf: number;
  /** [x1, y1, x2, y2] in image pixels, 1 decimal. */
  box: [number, number, number, number];
}

/** Detections → the printed rows, best first. */
export function toDetectedObjects(d: Detections, names: readonly string[]): DetectedObject[] {
  return Array.from({ length: d.count }, (_, i) => ({
    class: names[d.classIds[i]] ?? `class${d.classIds[i]}`,
    classId: d.classIds[i],
    conf: Math.round(d.scores[i] * 10000) / 10000,
    box: boxAt(d, i).map((v) => Math.round(v * 10) / 10) as DetectedObject['box'],
  }));
}

export function detectionsTable(rows: readonly DetectedObject[]): string {
  const header = ['class', 'id', 'conf', 'x1', 'y1', 'x2', 'y2'];
  const body = rows.map((r) => [r.class, String(r.classId), r.conf.toFixed(4), ...r.box.map((v) => v.toFixed(1))]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), ...body.map(line), `${rows.length} detection${rows.length === 1 ? '' : 's'}`].join('\n') + '\n';
}

interface DetectFlags {
  model?: string;
  conf: number;
  iou: number;
  imgsz: number;
  threads?: number;
  format: 'json' | 'table';
  resize: ImageResize;
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('Detect objects in one still image (jpg, png, …) and print them.')
    .argument('<image>', 'image file')
    .option('--model <path>', 'YOLOv5 ONNX model (default: TALLY_MODEL_PATH or models/yolov5n.onnx)')
    .option('--conf <c>', 'score threshold', fraction('--conf'), 0.25)
    .option('--iou <i>', 'NMS IoU threshold', fraction('--iou'), 0.45)
    .option('--imgsz <px>', 'model input size (long side; a static model keeps its own)', positiveInt('--imgsz'), 640)
    .option('--threads <n>', 'inference threads (default: TALLY_INFERENCE_THREADS or all cores)', positiveInt('--threads'))
    .option('--format <format>', 'json or table', choice('--format', ['json', 'table'] as const), 'json')
    .option(
      '--resize <how>',
      "ffmpeg (as video frames are) or reference (OpenCV INTER_LINEAR, as YOLOv5's detect.py)",
      choice('--resize', ['ffmpeg', 'reference'] as const),
      'ffmpeg',
    )
    .action(async (image: string, opts: DetectFlags) => {
      const env = loadEnv();
      // Bad input fails fast, before the model loads.
      const { width, height } = await probeImage(image);
      const detector = await Detector.load({ modelPath: opts.model ?? env.modelPath, threads: opts.threads ?? env.inferenceThreads });
      try {
        const meta = detector.metadata;
        if (!meta.dynamic && opts.imgsz !== meta.inputWidth && opts.imgsz !== meta.inputHeight) {
          throw new UsageError(`--imgsz ${opts.imgsz} does not fit ${meta.modelName}, whose input is fixed at ${meta.inputWidth}×${meta.inputHeight}`);
        }
        const input = detector.inputSizeFor(width, height, opts.imgsz);
        const img = await loadImageTensor(image, input.width, input.height, opts.resize);
        const [dets] = await detector.detect(img.tensor, [img.geometry], { conf: opts.conf, iou: opts.iou });
        const rows = toDetectedObjects(dets, detector.names);
        process.stdout.write(opts.format === 'table' ? detectionsTable(rows) : `${JSON.stringify({ detections: rows }, null, 2)}\n`);
      } finally {
        await detector.close();
      }
    });
}
