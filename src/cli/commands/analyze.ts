import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createAnalyzer, reportToCsv, reportToTable, type Report } from '../../analysis/index.js';
import { analyzerOptionsFromEnv } from '../../config/analyzer-options.js';
import { loadEnv } from '../../config/env.js';
import { choice, fraction, positiveInt, positiveNumber } from '../options.js';
import { ProgressBar } from '../progress.js';

type Format = 'json' | 'table' | 'csv';

export function formatReport(report: Report, format: Format): string {
  if (format === 'csv') return reportToCsv(report);
  if (format === 'table') return reportToTable(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Count the unique objects in a video and print the report.')
    .argument('<video>', 'video file')
    .option('--model <path>', 'YOLOv5 ONNX model (default: TALLY_MODEL_PATH or models/yolov5n.onnx)')
    .option('--stride <n>', 'analyse every Nth frame', positiveInt('--stride'))
    .option('--analysis-fps <f>', 'analyse about this many frames per second', positiveNumber('--analysis-fps'))
    .option('--conf <c>', 'score threshold', fraction('--conf'), 0.25)
    .option('--iou <i>', 'NMS IoU threshold', fraction('--iou'), 0.45)
    .option('--imgsz <px>', 'model input size (long side)', positiveInt('--imgsz'), 640)
    .option('--threads <n>', 'inference threads (default: TALLY_INFERENCE_THREADS or all cores)', positiveInt('--threads'))
    .option('--format <format>', 'json, table or csv (default: table on a terminal, else json)', choice('--format', ['json', 'table', 'csv'] as const))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .action(async (video: string, opts: {
      model?: string; stride?: number; analysisFps?: number; conf: number; iou: number; imgsz: number;
      threads?: number; format?: Format; out?: string;
    }) => {
      const env = loadEnv();
      const format: Format = opts.format ?? (process.stdout.isTTY && !opts.out ? 'table' : 'json');
      const analyzer = await createAnalyzer(
        analyzerOptionsFromEnv(env, { ...(opts.model ? { modelPath: opts.model } : {}), ...(opts.threads ? { threads: opts.threads } : {}) }),
      );
      const bar = process.stderr.isTTY ? new ProgressBar(process.stderr, 'analysing') : undefined;
      try {
        const report = await analyzer.analyze(video, {
          stride: opts.stride,
          analysisFps: opts.analysisFps,
          conf: opts.conf,
          iou: opts.iou,
          imgsz: opts.imgsz,
          onProgress: bar ? (p) => bar.update(p.fraction, `${p.framesDone}/${p.framesTotal} frames`) : undefined,
        });
        bar?.done();
        const text = formatReport(report, format);
        if (opts.out) await writeFile(opts.out, text);
        else process.stdout.write(text);
      } finally {
        bar?.done();
        await analyzer.close();
      }
    });
}
