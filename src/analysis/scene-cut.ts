/**
 * Hard scene-cut detection on the letterboxed model input the detector already receives
 * (three float planes, values 0..1).
 *
 * Colour histograms are insensitive to motion (pans, zooms, objects moving) but change abruptly
 * at a cut. Each frame gets a coarse histogram per plane (16 bins × 3 planes, on every `sampleStep`-th
 * pixel); a cut is declared when the L1 distance between consecutive analysed frames'
 * normalised histograms exceeds `threshold` (0 = identical, 2 = disjoint, per plane averaged).
 */
import { halfTable, type TensorData } from './half.js';

export interface SceneCutOptions {
  /** L1 histogram distance (0..2) above which two consecutive analysed frames are a cut. */
  threshold: number;
  /** Look at every Nth pixel: 1 is exact, 7 is ~50× cheaper and as good for histograms. */
  sampleStep: number;
}

export const DEFAULT_SCENE_CUT_OPTIONS: SceneCutOptions = { threshold: 0.5, sampleStep: 7 };

const BINS = 16;

export class SceneCutDetector {
  private readonly options: SceneCutOptions;
  private current = new Float64Array(BINS * 3);
  private previous = new Float64Array(BINS * 3);
  private hasPrevious = false;
  /** The last frame's distance, for diagnostics. */
  lastDistance = 0;

  constructor(options: Partial<SceneCutOptions> = {}) {
    this.options = { ...DEFAULT_SCENE_CUT_OPTIONS, ...options };
  }

  /** Feeds one planar frame (3 planes of width × height values in 0..1, float32 or float16 bits); true when it starts a new scene. */
  update(planar: TensorData, planeSize: number): boolean {
    const hist = this.current;
    hist.fill(0);
    const step = this.options.sampleStep;
    const half = planar instanceof Uint16Array ? halfTable() : undefined;
    let samples = 0;
    for (let p = 0; p < 3; p++) {
      const base = p * planeSize;
      const binBase = p * BINS;
      samples = 0;
      for (let i = 0; i < planeSize; i += step) {
        const v = half ? half[planar[base + i]] : planar[base + i];
        hist[binBase + (v >= 1 ? BINS - 1 : v <= 0 ? 0 : (v * BINS) | 0)]++;
        samples++;
      }
    }
    const inv = samples > 0 ? 1 / samples : 0;
    for (let i = 0; i < hist.length; i++) hist[i] *= inv;

    let cut = false;
    if (this.hasPrevious) {
      let distance = 0;
      for (let i = 0; i < hist.length; i++) distance += Math.abs(hist[i] - this.previous[i]);
      this.lastDistance = distance / 3;
      cut = this.lastDistance > this.options.threshold;
    }
    // Swap buffers: no allocation per frame.
    [this.previous, this.current] = [this.current, this.previous];
    this.hasPrevious = true;
    return cut;
  }

  reset(): void {
    this.hasPrevious = false;
    this.lastDistance = 0;
  }
}
