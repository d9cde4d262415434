import type { VideoProbe } from './probe.types.js';
import type { Report, ReportObject, TimelineSecond } from './report.types.js';

/** What a tracker reports for each confirmed object (structurally the tracker's TrackedObject). */
export interface ObjectSummary {
  classId: number;
  firstSec: number;
  lastSec: number;
  hits: number;
  maxConf: number;
  best: { frame: number; timeSec: number; box: [number, number, number, number]; conf: number };
}

/**
 * Per-second and overall maxima of objects visible at once, per class, accumulated frame by
 * frame. Memory is one small record per second of video, never per frame.
 */
export class VisibilityAccumulator {
  private readonly seconds: Array<Map<number, number>> = [];
  private readonly peak = new Map<number, number>();
  private readonly perClass = new Map<number, number>();

  /** Records the classes of the objects visible in one analysed frame. */
  add(timeSec: number, classIds: Iterable<number>): void {
    const counts = this.perClass;
    counts.clear();
    for (const c of classIds) counts.set(c, (counts.get(c) ?? 0) + 1);
    const sec = Math.max(0, Math.floor(timeSec));
    while (this.seconds.length <= sec) this.seconds.push(new Map());
    const bucket = this.seconds[sec];
    for (const [c, n] of counts) {
      if ((bucket.get(c) ?? 0) < n) bucket.set(c, n);
      if ((this.peak.get(c) ?? 0) < n) this.peak.set(c, n);
    }
  }

  timeline(names: readonly string[], durationSec: number): TimelineSecond[] {
    const total = Math.max(this.seconds.length, Math.ceil(durationSec));
    const out: TimelineSecond[] = [];
    for (let sec = 0; sec < total; sec++) out.push({ sec, visible: byName(this.seconds[sec] ?? new Map(), names) });
    return out;
  }

  peaks(names: readonly string[]): Record<string, number> {
    return byName(this.peak, names);
  }
}

export function className(names: readonly string[], classId: number): string {
  return names[classId] ?? `class${classId}`;
}

function byName(counts: Map<number, number>, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [c, n] of [...counts].sort((a, b) => a[0] - b[0])) out[className(names, c)] = n;
  return out;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Report objects: ordered by first appearance, ids 1..n, times and boxes rounded for reading. */
export function reportObjects(objects: readonly ObjectSummary[], names: readonly string[]): ReportObject[] {
  return [...objects]
    .sort((a, b) => a.firstSec - b.firstSec || a.best.frame - b.best.frame)
    .map((o, i) => ({
      id: i + 1,
      class: className(names, o.classId),
      classId: o.classId,
      firstSec: round(o.firstSec, 3),
      lastSec: round(o.lastSec, 3),
      frames: o.hits,
      maxConf: round(o.maxConf, 4),
      best: {
        frame: o.best.frame,
        timeSec: round(o.best.timeSec, 3),
        box: o.best.box.map((v) => round(v, 1)) as [number, number, number, number],
        conf: round(o.best.conf, 4),
      },
    }));
}

/** Unique objects per class, classes in model order. */
export function countByClass(objects: readonly ReportObject[]): Record<string, number> {
  const sorted = [...objects].sort((a, b) => a.classId - b.classId);
  const counts: Record<string, number> = {};
  for (const o of sorted) counts[o.class] = (counts[o.class] ?? 0) + 1;
  return counts;
}

export interface ReportInput {
  probe: VideoProbe;
  names: readonly string[];
  objects: readonly ObjectSummary[];
  visibility: VisibilityAccumulator;
  quality: Report['quality'];
  analysis: Report['analysis'];
  timings: Omit<Report['timings'], 'fps'>;
}

/** Assembles the report from the pipeline's results. Pure. */
export function buildReport(input: ReportInput): Report {
  const objects = reportObjects(input.objects, input.names);
  const { probe, timings } = input;
  return {
    counts: countByClass(objects),
    peak: input.visibility.peaks(input.names),
    objects,
    timeline: input.visibility.timeline(input.names, probe.durationSec),
    quality: input.quality,
    analysis: input.analysis,
    video: {
      durationSec: round(probe.durationSec, 3),
      fps: round(probe.fps, 3),
      frames: probe.frames,
      width: probe.displayWidth,
      height: probe.displayHeight,
    },
    timings: {
      wallMs: Math.round(timings.wallMs),
      decodeMs: Math.round(timings.decodeMs),
      inferenceMs: Math.round(timings.inferenceMs),
      trackingMs: Math.round(timings.trackingMs),
      fps: timings.wallMs > 0 ? round((input.analysis.framesAnalysed * 1000) / timings.wallMs, 2) : 0,
    },
  };
}
