/**
 * One followed object: its motion model, its lifecycle state and the few counters needed to decide
 * whether it is a real object and to summarise it. No per-frame history is kept, so a track costs
 * the same after ten frames as after ten hours.
 */
import { initiateKalman, kalmanBox, predictKalman, updateKalman, type KalmanBox } from './kalman-filter.js';
import type { TrackedObject } from './types.js';

export enum TrackState {
  /** Matched to a detection in the latest frame. */
  Tracked = 'tracked',
  /** Missed in the latest frame(s); predicted forward until it is matched again or expires. */
  Lost = 'lost',
  /** Ended: lost too long, a duplicate, or closed by a scene cut or the end of the video. */
  Removed = 'removed',
}

type Box = [number, number, number, number];

/** Hits and confidence per class, for the majority class. */
interface ClassVote {
  classId: number;
  hits: number;
  confSum: number;
}

export class Track {
  state = TrackState.Tracked;
  /** External id, given when the track is confirmed as an object; 0 while tentative. */
  objectId = 0;
  /** Whether the detection matched in the latest frame was this track's (not only a prediction). */
  matchedThisFrame = true;
  /** Current box x1, y1, x2, y2: the matched detection's box, or the prediction when missed. */
  readonly box = new Float64Array(4);
  /** Score of the latest matched detection. */
  conf: number;

  readonly firstFrame: number;
  readonly firstSec: number;
  lastFrame: number;
  /** Time of the latest matched detection, s. */
  lastSec: number;
  /** Analysed frames since (and including) the first detection. */
  framesSeen = 1;
  /** Analysed frames with a matched detection. */
  hits = 1;
  maxConf: number;
  best: TrackedObject['best'];
  /** Majority class so far (used for class-aware matching and reporting). */
  classId: number;

  private readonly kf: KalmanBox;
  private readonly votes: ClassVote[] = [];

  constructor(
    /** Internal id, unique within a tracker's life; for debugging and stable ordering. */
    readonly trackId: number,
    boxes: ArrayLike<number>,
    offset: number,
    score: number,
    classId: number,
    frame: number,
    timeSec: number,
  ) {
    const [x1, y1, x2, y2] = [boxes[offset], boxes[offset + 1], boxes[offset + 2], boxes[offset + 3]];
    this.kf = initiateKalman(x1, y1, x2, y2);
    this.box.set([x1, y1, x2, y2]);
    this.conf = score;
    this.firstFrame = this.lastFrame = frame;
    this.firstSec = this.lastSec = timeSec;
    this.maxConf = score;
    this.best = { frame, timeSec, box: [x1, y1, x2, y2], conf: score };
    this.classId = classId;
    this.votes.push({ classId, hits: 1, confSum: score });
  }

  get confirmed(): boolean {
    return this.objectId > 0;
  }

  /** Share of the analysed frames of this track's life in which it was detected. */
  get hitRatio(): number {
    return this.hits / this.framesSeen;
  }

  /** Time from the first to the latest detection, s. */
  get durationSec(): number {
    return this.lastSec - this.firstSec;
  }

  /** Number of distinct classes detected for this track. */
  get classCount(): number {
    return this.votes.length;
  }

  /** Starts a new analysed frame: moves the prediction `dtSec` forward; the box becomes the prediction. */
  predict(dtSec: number): void {
    predictKalman(this.kf, dtSec, this.state !== TrackState.Tracked);
    kalmanBox(this.kf, this.box);
    this.framesSeen++;
    this.matchedThisFrame = false;
  }

  /** Takes detection row `offset/4` as this frame's observation. */
  update(boxes: ArrayLike<number>, offset: number, score: number, classId: number, frame: number, timeSec: number): void {
    const x1 = boxes[offset];
    const y1 = boxes[offset + 1];
    const x2 = boxes[offset + 2];
    const y2 = boxes[offset + 3];
    updateKalman(this.kf, x1, y1, x2, y2);
    this.box[0] = x1;
    this.box[1] = y1;
    this.box[2] = x2;
    this.box[3] = y2;
    this.conf = score;
    this.state = TrackState.Tracked;
    this.matchedThisFrame = true;
    this.hits++;
    this.lastFrame = frame;
    this.lastSec = timeSec;
    if (score > this.maxConf) {
      this.maxConf = score;
      this.best = { frame, timeSec, box: [x1, y1, x2, y2], conf: score };
    }
    this.vote(classId, score);
  }

  markLost(): void {
    this.state = TrackState.Lost;
  }

  markRemoved(): void {
    this.state = TrackState.Removed;
  }

  /** The current box as a fresh tuple. */
  boxTuple(): Box {
    return [this.box[0], this.box[1], this.box[2], this.box[3]];
  }

  /** The summary kept after the track is pruned. */
  toObject(): TrackedObject {
    return {
      id: this.objectId,
      classId: this.classId,
      classFlips: this.votes.length > 1,
      firstSec: this.firstSec,
      lastSec: this.lastSec,
      firstFrame: this.firstFrame,
      lastFrame: this.lastFrame,
      hits: this.hits,
      maxConf: this.maxConf,
      best: this.best,
    };
  }

  /** Counts a hit for `classId` and re-elects the majority (ties go to the higher confidence sum). */
  private vote(classId: number, score: number): void {
    let v = this.votes.find((x) => x.classId === classId);
    if (!v) {
      v = { classId, hits: 0, confSum: 0 };
      this.votes.push(v);
    }
    v.hits++;
    v.confSum += score;
    let top = this.votes[0];
    for (const x of this.votes) {
      if (x.hits > top.hits || (x.hits === top.hits && x.confSum > top.confSum)) top = x;
    }
    this.classId = top.classId;
  }
}
