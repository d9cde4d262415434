/**
 * The report Tally returns for one video: the contract shared by the CLI, the worker, the API,
 * the portal and the tests. JSON-serialisable; times in seconds, boxes in video pixels.
 */
export interface ReportObject {
  /** Stable within the report, 1-based in order of first appearance. */
  id: number;
  class: string;
  classId: number;
  firstSec: number;
  lastSec: number;
  /** Frames (of those analysed) in which the object was detected. */
  frames: number;
  maxConf: number;
  /** The best detection: evidence a person can look at. */
  best: { frame: number; timeSec: number; box: [number, number, number, number]; conf: number };
}

export interface TimelineSecond {
  /** Start of the second, 0-based. */
  sec: number;
  /** Most objects of each class visible at once within this second. */
  visible: Record<string, number>;
}

export interface Report {
  counts: Record<string, number>;
  peak: Record<string, number>;
  objects: ReportObject[];
  timeline: TimelineSecond[];
  quality: {
    /** Tracks that never became objects (too short or too sparse: flicker, duplicates). */
    droppedTracks: number;
    /** Objects whose per-frame class changed during their life (the majority class is reported). */
    classFlips: number;
    /** Scene cuts detected; no object is carried across one. */
    sceneCuts: number;
  };
  analysis: {
    model: string;
    modelSha256: string;
    classes: string[];
    inputSize: [number, number];
    conf: number;
    iou: number;
    stride: number;
    framesAnalysed: number;
    executionProvider: string;
    /** The model's input and output precision: fp16 for an FP16 export. Absent in reports written before it was recorded. */
    precision?: 'fp32' | 'fp16';
    tracker: Record<string, number | string | boolean>;
    tallyVersion: string;
  };
  video: { durationSec: number; fps: number; frames: number; width: number; height: number };
  timings: { wallMs: number; decodeMs: number; inferenceMs: number; trackingMs: number; fps: number };
}
