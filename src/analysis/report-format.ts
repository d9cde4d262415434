import type { Report } from './report.types.js';

const CSV_COLUMNS = ['id', 'class', 'class_id', 'first_sec', 'last_sec', 'frames', 'max_conf', 'best_frame', 'best_time_sec', 'x1', 'y1', 'x2', 'y2'];

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV row per object, with a header. */
export function reportToCsv(report: Report): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const o of report.objects) {
    lines.push(
      [o.id, o.class, o.classId, o.firstSec, o.lastSec, o.frames, o.maxConf, o.best.frame, o.best.timeSec, ...o.best.box]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A readable summary for a terminal: counts, then the objects, then how it was made. */
export function reportToTable(report: Report): string {
  const classes = Object.keys(report.counts);
  const counts = classes.length
    ? table(['class', 'unique', 'peak'], classes.map((c) => [c, report.counts[c], report.peak[c] ?? 0]))
    : 'no objects found';
  const objects = table(
    ['id', 'class', 'first s', 'last s', 'frames', 'max conf'],
    report.objects.map((o) => [o.id, o.class, o.firstSec.toFixed(2), o.lastSec.toFixed(2), o.frames, o.maxConf.toFixed(2)]),
  );
  const v = report.video;
  const a = report.analysis;
  const t = report.timings;
  return [
    counts,
    '',
    objects,
    '',
    `video     ${v.width}x${v.height}, ${v.fps} fps, ${v.durationSec} s, ${v.frames} frames`,
    `analysis  ${a.model} at ${a.inputSize[0]}x${a.inputSize[1]} on ${a.executionProvider}${a.precision === 'fp16' ? ' (fp16)' : ''}, stride ${a.stride}, ${a.framesAnalysed} frames, conf ${a.conf}, iou ${a.iou}`,
    `quality   ${report.quality.droppedTracks} short tracks dropped, ${report.quality.classFlips} class flips, ${report.quality.sceneCuts} scene cuts`,
    `timings   ${(t.wallMs / 1000).toFixed(1)} s wall, ${t.fps} fps (inference ${(t.inferenceMs / 1000).toFixed(1)} s, waiting for decode ${(t.decodeMs / 1000).toFixed(1)} s)`,
    '',
  ].join('\n');
}
