/** What the tracker hands to the pipeline: per frame, the visible objects; at the end, the objects. */

/** A confirmed object matched to a detection in the current frame. */
export interface VisibleTrack {
  /** The object's id (same as TrackedObject.id). */
  id: number;
  /** Majority class so far. */
  classId: number;
  /** This frame's detection box, x1, y1, x2, y2 in video pixels. */
  box: [number, number, number, number];
  /** This frame's detection score. */
  conf: number;
}

/** One counted object, summarised after its track ended. */
export interface TrackedObject {
  /** 1-based, in order of confirmation (objects confirmed at a shot's end come last in that shot). */
  id: number;
  /** Majority class over its life, weighted by hits (a car sometimes called a truck stays a car). */
  classId: number;
  /** More than one class was detected for it. */
  classFlips: boolean;
  /** Time and frame of its first and last matched detection. */
  firstSec: number;
  lastSec: number;
  firstFrame: number;
  lastFrame: number;
  /** Analysed frames with a matched detection. */
  hits: number;
  maxConf: number;
  /** The highest-scoring detection: evidence a person can look at. */
  best: { frame: number; timeSec: number; box: [number, number, number, number]; conf: number };
}

export interface TrackerResult {
  /** Sorted by id. */
  objects: TrackedObject[];
  /** Tracks that never became objects: flicker, short false detections, duplicates. */
  droppedTracks: number;
  /** Objects detected with more than one class. */
  classFlips: number;
  /** sceneCut() calls. */
  sceneCuts: number;
}
