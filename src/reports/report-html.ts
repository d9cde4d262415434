import type { Report } from '../analysis/report.types.js';

const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A self-contained printable page: counts table first, then the objects and how the analysis was made. */
export function reportToHtml(report: Report, meta: { jobId: string; videoName: string; finishedAt?: Date | null }): string {
  const classes = Object.keys(report.counts).sort((a, b) => report.counts[b] - report.counts[a] || a.localeCompare(b));
  const countRows = classes.map((c) => `<tr><td>${esc(c)}</td><td class="n">${report.counts[c]}</td><td class="n">${report.peak[c] ?? 0}</td></tr>`).join('');
  const objectRows = report.objects
    .map(
      (o) =>
        `<tr><td class="n">${o.id}</td><td>${esc(o.class)}</td><td class="n">${o.firstSec.toFixed(2)}</td><td class="n">${o.lastSec.toFixed(2)}</td><td class="n">${o.frames}</td><td class="n">${o.maxConf.toFixed(2)}</td></tr>`,
    )
    .join('');
  const v = report.video;
  const a = report.analysis;
  const q = report.quality;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tally report — ${esc(meta.videoName)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.4rem}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}@media print{body{margin:0}a{color:inherit}}
</style></head><body>
<h1>Objects in ${esc(meta.videoName)}</h1>
<p class="meta">Job ${esc(meta.jobId)}${meta.finishedAt ? ` · analysed ${esc(meta.finishedAt.toISOString())}` : ''}</p>
<h2>Counts</h2>
${classes.length ? `<table id="counts"><thead><tr><th>Class</th><th>Unique objects</th><th>Most at once</th></tr></thead><tbody>${countRows}</tbody></table>` : '<p>No objects found.</p>'}
<h2>Objects</h2>
<table id="objects"><thead><tr><th>#</th><th>Class</th><th>First seen (s)</th><th>Last seen (s)</th><th>Frames</th><th>Max confidence</th></tr></thead><tbody>${objectRows}</tbody></table>
<h2>Analysis</h2>
<p>Video ${v.width}×${v.height}, ${v.fps} fps, ${v.durationSec} s. Model ${esc(a.model)} at ${a.inputSize[0]}×${a.inputSize[1]} on ${esc(a.executionProvider)}${a.precision === 'fp16' ? ' (fp16)' : ''},
every ${a.stride} frame(s), ${a.framesAnalysed} frames analysed, confidence ≥ ${a.conf}, IoU ${a.iou}.
Quality: ${q.droppedTracks} short tracks dropped, ${q.classFlips} class flips, ${q.sceneCuts} scene cuts. Tally ${esc(a.tallyVersion)}.</p>
</body></html>
`;
}
