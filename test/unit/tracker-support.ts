/** Synthetic scenes for the tracker tests: objects as functions of time, sampled at any fps/stride. */
import { detectionsFrom } from '../../src/analysis/detections.js';
import { ByteTracker, type TrackerOptions, type TrackerResult, type VisibleTrack } from '../../src/analysis/tracker/index.js';

export type Box = [number, number, number, number];
export interface SceneDet {
  box: Box;
  score?: number;
  classId?: number;
}
/** What the detector sees at time `t` s (frame `frame` at the sampling fps). */
export type Scene = (t: number, frame: number) => SceneDet[];

export const PERSON = 0;
export const CAR = 2;
export const BUS = 5;
export const TRUCK = 7;
export const HANDBAG = 26;

/** A w×h box whose top-left corner starts at (x, y) and moves at (vx, vy) px/s. */
export function moving(x: number, y: number, w: number, h: number, vx = 0, vy = 0): (t: number) => Box {
  return (t) => [x + vx * t, y + vy * t, x + vx * t + w, y + vy * t + h];
}

/** Deterministic ±`px` jitter, so boxes wobble like a detector's without making tests flaky. */
export function jitter(box: Box, seed: number, px = 2): Box {
  let s = (seed * 2654435761) >>> 0;
  const next = (): number => {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    return (s / 0xffffffff - 0.5) * 2 * px;
  };
  return [box[0] + next(), box[1] + next(), box[2] + next(), box[3] + next()];
}

export interface RunOptions {
  fps: number;
  durationSec: number;
  /** Analyse every Nth frame. */
  stride?: number;
  options?: Partial<TrackerOptions>;
  /** Frames before which a scene cut is reported. */
  cutsBeforeFrames?: number[];
}

export interface Run {
  result: TrackerResult;
  /** Per analysed frame: its number and the visible tracks. */
  frames: Array<{ frame: number; t: number; visible: readonly VisibleTrack[] }>;
  tracker: ByteTracker;
}

export function runScene(scene: Scene, run: RunOptions, tracker = new ByteTracker(run.options)): Run {
  const stride = run.stride ?? 1;
  const total = Math.round(run.durationSec * run.fps);
  const frames: Run['frames'] = [];
  for (let f = 0; f < total; f += stride) {
    const t = f / run.fps;
    if (run.cutsBeforeFrames?.includes(f)) tracker.sceneCut();
    const rows = scene(t, f).map((d) => ({ box: d.box, score: d.score ?? 0.8, classId: d.classId ?? PERSON }));
    frames.push({ frame: f, t, visible: tracker.update(detectionsFrom(rows), f, t) });
  }
  return { result: tracker.finish(), frames, tracker };
}

/** Objects per class id, e.g. { 0: 2, 5: 1 }. */
export function countsOf(result: TrackerResult): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const o of result.objects) counts[o.classId] = (counts[o.classId] ?? 0) + 1;
  return counts;
}
