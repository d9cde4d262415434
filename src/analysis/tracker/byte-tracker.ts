/**
 * ByteTrack (Zhang et al. 2022) adapted for counting: follows each object across analysed frames
 * and decides which tracks are real objects. One update per analysed frame:
 *
 *   predict      every live track moves forward by the seconds since the previous frame
 *   associate 1  high-score detections ↔ tracked + lost tracks     (IoU ≥ matchIouThreshold)
 *   associate 2  low-score detections  ↔ still-unmatched tracked   (IoU ≥ lowMatchIouThreshold)
 *   lose         tracked tracks left unmatched become lost
 *   confirm      tentative tracks on top of a counted one are dropped as duplicates; the others
 *                become objects after minTrackSeconds at minHitRatio
 *   spawn        unmatched high detections start tracks, unless they duplicate a counted track
 *   expire       lost tracks older than lostTrackSeconds end (summarised, then forgotten)
 *
 * Visibility (optional `onVisible`): which objects each frame showed, told a little late. A track is
 * only known to be an object once confirmed, minTrackSeconds after it appeared, yet it was visible from
 * its first detection; so each frame's matched tracks wait up to VISIBILITY_DELAY_FACTOR ×
 * minTrackSeconds (and at most until the shot ends) and are then reported with those that became
 * objects — a timeline that starts when each object was first seen, not when it was confirmed.
 */
import type { Detections } from '../detections.js';
import { AssignmentSolver, containment, iou } from './matching.js';
import { resolveTrackerOptions, type TrackerOptions } from './options.js';
import { Track, TrackState } from './track.js';
import type { TrackedObject, TrackerResult, VisibleTrack } from './types.js';

/**
 * A detection of another class than the track's ranks this far below a same-class one of equal
 * overlap, so the assignment gives a track to its own class whenever it can.
 */
const CROSS_CLASS_WEIGHT = 0.25;
/** Slack for comparing times built from frame numbers (e.g. 72 / 120 vs 0.6), s. */
const TIME_EPSILON_S = 1e-9;
/**
 * Frames wait this many minTrackSeconds for their tentative tracks to be confirmed before they are
 * reported; a track confirmed even later (low hit ratio at first) misses only its earliest frames.
 */
const VISIBILITY_DELAY_FACTOR = 3;

/** The classes of the objects one analysed frame showed. */
export type VisibilitySink = (timeSec: number, classIds: readonly number[]) => void;

interface PendingFrame {
  timeSec: number;
  /** The tracks matched in the frame, tentative ones included, and their class then. */
  tracks: Track[];
  classIds: number[];
}

export class ByteTracker {
  private readonly options: TrackerOptions;
  private readonly solver = new AssignmentSolver();
  /** Live tracks (tracked or lost); removed ones are summarised and dropped from here at once. */
  private tracks: Track[] = [];
  private objects: TrackedObject[] = [];
  private droppedTracks = 0;
  private sceneCuts = 0;
  private nextTrackId = 1;
  private nextObjectId = 1;
  private lastTimeSec: number | null = null;
  /** Frames whose matched tracks may still be confirmed (oldest first), when onVisible is given. */
  private pending: PendingFrame[] = [];
  /** Reported frames, kept to be filled again (no allocation per frame once warmed up). */
  private spareFrames: PendingFrame[] = [];
  private readonly visibleClasses: number[] = [];
  /** Scratch: IoU weights (tracks × detections), detection indices, detection taken flags. */
  private weights = new Float64Array(256);
  private detTaken = new Uint8Array(64);

  constructor(
    options: Partial<TrackerOptions> = {},
    /** Told, in frame order and a little late, the classes of the objects each frame showed (see above). */
    private readonly onVisible?: VisibilitySink,
  ) {
    this.options = resolveTrackerOptions(options);
  }

  /** Feed one analysed frame. Returns the confirmed tracks that were matched (visible) in this frame. */
  update(dets: Detections, frame: number, timeSec: number): readonly VisibleTrack[] {
    const o = this.options;
    const dtSec = this.lastTimeSec === null ? 0 : Math.max(0, timeSec - this.lastTimeSec);
    this.lastTimeSec = timeSec;
    for (const t of this.tracks) t.predict(dtSec);

    if (this.detTaken.length < dets.count) this.detTaken = new Uint8Array(dets.count * 2);
    this.detTaken.fill(0, 0, dets.count);
    const high: number[] = [];
    const low: number[] = [];
    for (let d = 0; d < dets.count; d++) {
      const s = dets.scores[d];
      if (s >= o.highConfThreshold) high.push(d);
      else if (s >= o.lowConfThreshold) low.push(d);
    }

    const leftover = this.associate(this.tracks, dets, high, o.matchIouThreshold, frame, timeSec);
    const leftoverTracked = leftover.filter((t) => t.state === TrackState.Tracked);
    this.associate(leftoverTracked, dets, low, o.lowMatchIouThreshold, frame, timeSec);
    for (const t of this.tracks) if (!t.matchedThisFrame) t.markLost();

    this.dropDuplicates();
    this.confirmMatured();
    this.spawn(dets, high, frame, timeSec);
    this.expire(timeSec);
    if (this.onVisible) {
      const f = this.spareFrames.pop() ?? { timeSec, tracks: [], classIds: [] };
      f.timeSec = timeSec;
      f.tracks.length = 0;
      f.classIds.length = 0;
      for (const t of this.tracks) {
        if (!t.matchedThisFrame) continue;
        f.tracks.push(t);
        f.classIds.push(t.classId);
      }
      this.pending.push(f);
      this.flushVisibility(timeSec - VISIBILITY_DELAY_FACTOR * o.minTrackSeconds);
    }
    return this.visible();
  }

  /** Reports the pending frames up to `untilSec` (all of them by default) with the tracks that became objects. */
  private flushVisibility(untilSec = Infinity): void {
    const sink = this.onVisible;
    if (!sink) return;
    while (this.pending.length && this.pending[0].timeSec <= untilSec + TIME_EPSILON_S) {
      const f = this.pending.shift() as PendingFrame;
      this.visibleClasses.length = 0;
      for (let i = 0; i < f.tracks.length; i++) if (f.tracks[i].confirmed) this.visibleClasses.push(f.classIds[i]);
      sink(f.timeSec, this.visibleClasses);
      f.tracks.length = 0; // no reference to ended tracks is kept
      this.spareFrames.push(f);
    }
  }

  /** A hard scene cut happened before this frame: end every track (keep the confirmed ones as objects), start fresh. */
  sceneCut(): void {
    this.closeAll();
    this.sceneCuts++;
  }

  /** End of video: close all tracks and return the objects. The tracker is then empty, ready for another video. */
  finish(): TrackerResult {
    this.closeAll();
    const objects = this.objects.sort((a, b) => a.id - b.id);
    const result: TrackerResult = {
      objects,
      droppedTracks: this.droppedTracks,
      classFlips: objects.filter((x) => x.classFlips).length,
      sceneCuts: this.sceneCuts,
    };
    this.reset();
    return result;
  }

  reset(): void {
    this.tracks = [];
    this.objects = [];
    this.droppedTracks = 0;
    this.sceneCuts = 0;
    this.nextTrackId = 1;
    this.nextObjectId = 1;
    this.lastTimeSec = null;
    this.pending = [];
  }

  /** The settings, for the report's `analysis.tracker` (plain numbers/strings). */
  describe(): Record<string, number | string | boolean> {
    return { algorithm: 'bytetrack', ...this.options };
  }

  /** Tracks currently held (tracked or lost); for diagnostics and the memory test. */
  get liveTrackCount(): number {
    return this.tracks.length;
  }

  /** Objects summarised so far (ended confirmed tracks). */
  get endedObjectCount(): number {
    return this.objects.length;
  }

  /**
   * Optimal assignment of `detIdx` (not yet taken) to `tracks` by IoU with the predicted boxes,
   * class-aware; applies the matches and returns the tracks left unmatched.
   */
  private associate(tracks: Track[], dets: Detections, detIdx: number[], minIou: number, frame: number, timeSec: number): Track[] {
    if (tracks.length === 0 || detIdx.length === 0) return tracks;
    const rows = tracks.length;
    const cols = detIdx.length;
    if (this.weights.length < rows * cols) this.weights = new Float64Array(rows * cols * 2);
    const w = this.weights.subarray(0, rows * cols);
    for (let r = 0; r < rows; r++) {
      const t = tracks[r];
      for (let c = 0; c < cols; c++) {
        const d = detIdx[c];
        const overlap = iou(t.box, 0, dets.boxes, d * 4);
        const sameClass = dets.classIds[d] === t.classId;
        w[r * cols + c] =
          overlap < minIou ? 0 : sameClass ? overlap : overlap >= this.options.classChangeMinIou ? overlap * CROSS_CLASS_WEIGHT : 0;
      }
    }
    const rowToCol = this.solver.solve(w, rows, cols);
    const unmatched: Track[] = [];
    for (let r = 0; r < rows; r++) {
      const c = rowToCol[r];
      if (c < 0) {
        unmatched.push(tracks[r]);
        continue;
      }
      const d = detIdx[c];
      tracks[r].update(dets.boxes, d * 4, dets.scores[d], dets.classIds[d], frame, timeSec);
      this.detTaken[d] = 1;
    }
    return unmatched;
  }

  /**
   * Whether `box` (same class) duplicates a confirmed track: one matched this frame, or at the end
   * of a shot (`anyLive`) any live one.
   */
  private isDuplicate(boxes: ArrayLike<number>, offset: number, classId: number, self?: Track, anyLive = false): boolean {
    for (const t of this.tracks) {
      if (t === self || !t.confirmed || (!anyLive && !t.matchedThisFrame) || t.classId !== classId) continue;
      if (containment(t.box, 0, boxes, offset) >= this.options.duplicateContainment) return true;
    }
    return false;
  }

  /** Tentative tracks matched this frame on top of a counted same-class track are duplicates: end them. */
  private dropDuplicates(): void {
    for (const t of this.tracks) {
      if (t.confirmed || !t.matchedThisFrame) continue;
      if (this.isDuplicate(t.box, 0, t.classId, t)) t.markRemoved();
    }
    this.pruneRemoved();
  }

  /** Tentative tracks matched this frame that have lived long and steadily enough become objects. */
  private confirmMatured(): void {
    const o = this.options;
    for (const t of this.tracks) {
      if (t.confirmed || !t.matchedThisFrame) continue;
      if (t.durationSec + TIME_EPSILON_S >= o.minTrackSeconds && t.hitRatio >= o.minHitRatio) {
        t.objectId = this.nextObjectId++;
      }
    }
  }

  /** Starts tracks from high detections that nothing took, unless they duplicate a counted track. */
  private spawn(dets: Detections, high: number[], frame: number, timeSec: number): void {
    for (const d of high) {
      if (this.detTaken[d] || dets.scores[d] < this.options.newTrackConfThreshold) continue;
      if (this.isDuplicate(dets.boxes, d * 4, dets.classIds[d])) continue;
      this.tracks.push(new Track(this.nextTrackId++, dets.boxes, d * 4, dets.scores[d], dets.classIds[d], frame, timeSec));
    }
  }

  /** Ends lost tracks whose object has been missing for longer than lostTrackSeconds. */
  private expire(timeSec: number): void {
    for (const t of this.tracks) {
      if (t.state === TrackState.Lost && timeSec - t.lastSec > this.options.lostTrackSeconds + TIME_EPSILON_S) t.markRemoved();
    }
    this.pruneRemoved();
  }

  /**
   * End of a shot: tentative tracks cut short by it are judged by their hit ratio (which counts the
   * frames up to the end) and the shorter minEndTrackSeconds; then every track ends.
   */
  private closeAll(): void {
    const o = this.options;
    const pending = this.tracks.filter((t) => !t.confirmed).sort((a, b) => a.firstSec - b.firstSec || a.trackId - b.trackId);
    for (const t of pending) {
      const longEnough = t.durationSec + TIME_EPSILON_S >= o.minEndTrackSeconds;
      if (longEnough && t.hitRatio >= o.minHitRatio && !this.isDuplicate(t.box, 0, t.classId, t, true)) {
        t.objectId = this.nextObjectId++;
      }
    }
    this.flushVisibility(); // the shot is over: no pending track can be confirmed any more
    for (const t of this.tracks) t.markRemoved();
    this.pruneRemoved();
    this.lastTimeSec = null;
  }

  /** Summarises removed tracks (objects, or a dropped count) and forgets them. */
  private pruneRemoved(): void {
    if (!this.tracks.some((t) => t.state === TrackState.Removed)) return;
    const live: Track[] = [];
    for (const t of this.tracks) {
      if (t.state !== TrackState.Removed) live.push(t);
      else if (t.confirmed) this.objects.push(t.toObject());
      else this.droppedTracks++;
    }
    this.tracks = live;
  }

  private visible(): VisibleTrack[] {
    const out: VisibleTrack[] = [];
    for (const t of this.tracks) {
      if (t.confirmed && t.matchedThisFrame) out.push({ id: t.objectId, classId: t.classId, box: t.boxTuple(), conf: t.conf });
    }
    return out;
  }
}
