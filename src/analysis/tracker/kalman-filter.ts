/**
 * Constant-velocity Kalman filter for one box, with time in seconds so that a prediction scales
 * with the time elapsed, not with the number of frames: the same motion is predicted at 120 fps,
 * at 30 fps and with any stride.
 *
 * State (8 numbers, stored in a Float64Array so a track owns one small buffer):
 *
 *   cx, cy, w, h        box centre and size, in video pixels
 *   vcx, vcy, vw, vh    their rates of change, in pixels per second
 *
 * With a constant-velocity model, noise that is diagonal and a measurement of (cx, cy, w, h), the
 * 8×8 covariance of ByteTrack/SORT falls apart into four independent 2×2 blocks, one per
 * coordinate (position, velocity). We keep just those: [P_pp, P_pv, P_vv] × 4.
 *
 * Noise levels are ByteTrack's (relative to the box size: 1/20 for position, 1/160 for velocity
 * per frame) restated per second at ByteTrack's 30 fps, so per-second uncertainty growth is the
 * same at every frame rate. Widths scale the x noise and heights the y noise (ByteTrack uses the
 * height for both, which over-trusts the x position of wide objects such as buses).
 */

/** The frame interval ByteTrack's noise weights were chosen for, s. */
const REFERENCE_DT_S = 1 / 30;
/** Measurement noise: position std as a share of the box size, per measurement. */
const MEASUREMENT_STD = 1 / 20;
/** Process noise: position std per reference frame, share of box size. */
const PROCESS_POSITION_STD = 1 / 20;
/** Process noise: velocity std per reference frame, share of box size per reference frame. */
const PROCESS_VELOCITY_STD = 1 / 160;
/** Smallest size a predicted box may shrink to, px. */
const MIN_SIZE_PX = 1;

/** Index of coordinate k's velocity in the state. */
const V = 4;
/** Covariance layout: 3 numbers per coordinate. */
const PP = 0;
const PV = 1;
const VV = 2;

export interface KalmanBox {
  /** cx, cy, w, h, vcx, vcy, vw, vh. */
  readonly mean: Float64Array;
  /** [P_pp, P_pv, P_vv] for cx, cy, w, h in turn. */
  readonly cov: Float64Array;
}

/** Box size that scales coordinate k's noise: width for cx and w, height for cy and h. */
function scaleOf(mean: Float64Array, k: number): number {
  return k % 2 === 0 ? mean[2] : mean[3];
}

/** A new filter state for a first detection [x1, y1, x2, y2]: no velocity, wide velocity uncertainty. */
export function initiateKalman(x1: number, y1: number, x2: number, y2: number): KalmanBox {
  const mean = new Float64Array(8);
  const cov = new Float64Array(12);
  mean[0] = (x1 + x2) / 2;
  mean[1] = (y1 + y2) / 2;
  mean[2] = Math.max(MIN_SIZE_PX, x2 - x1);
  mean[3] = Math.max(MIN_SIZE_PX, y2 - y1);
  for (let k = 0; k < 4; k++) {
    const s = scaleOf(mean, k);
    const posStd = 2 * MEASUREMENT_STD * s;
    const velStd = (10 * PROCESS_VELOCITY_STD * s) / REFERENCE_DT_S;
    cov[k * 3 + PP] = posStd * posStd;
    cov[k * 3 + PV] = 0;
    cov[k * 3 + VV] = velStd * velStd;
  }
  return { mean, cov };
}

/**
 * Moves the state `dtSec` seconds forward. With `freezeSize` the size velocities are zeroed first
 * (ByteTrack does this for lost tracks so their boxes do not shrink to nothing or balloon).
 */
export function predictKalman(kf: KalmanBox, dtSec: number, freezeSize = false): void {
  const { mean, cov } = kf;
  if (freezeSize) {
    mean[V + 2] = 0;
    mean[V + 3] = 0;
  }
  if (dtSec <= 0) return;
  const steps = dtSec / REFERENCE_DT_S; // noise variance grows linearly with time (random walk)
  for (let k = 0; k < 4; k++) {
    const s = scaleOf(mean, k);
    const qp = (PROCESS_POSITION_STD * s) ** 2 * steps;
    const qv = ((PROCESS_VELOCITY_STD * s) / REFERENCE_DT_S) ** 2 * steps;
    mean[k] += mean[V + k] * dtSec;
    const c = k * 3;
    const pp = cov[c + PP];
    const pv = cov[c + PV];
    const vv = cov[c + VV];
    // P ← F P Fᵀ + Q with F = [[1, dt], [0, 1]]
    cov[c + PP] = pp + 2 * dtSec * pv + dtSec * dtSec * vv + qp;
    cov[c + PV] = pv + dtSec * vv;
    cov[c + VV] = vv + qv;
  }
  mean[2] = Math.max(MIN_SIZE_PX, mean[2]);
  mean[3] = Math.max(MIN_SIZE_PX, mean[3]);
}

/** Corrects the state with a measured box [x1, y1, x2, y2]. */
export function updateKalman(kf: KalmanBox, x1: number, y1: number, x2: number, y2: number): void {
  const { mean, cov } = kf;
  const z0 = (x1 + x2) / 2;
  const z1 = (y1 + y2) / 2;
  const z2 = Math.max(MIN_SIZE_PX, x2 - x1);
  const z3 = Math.max(MIN_SIZE_PX, y2 - y1);
  for (let k = 0; k < 4; k++) {
    const z = k === 0 ? z0 : k === 1 ? z1 : k === 2 ? z2 : z3;
    const r = (MEASUREMENT_STD * scaleOf(mean, k)) ** 2;
    const c = k * 3;
    const pp = cov[c + PP];
    const pv = cov[c + PV];
    const innovation = z - mean[k];
    const gainP = pp / (pp + r);
    const gainV = pv / (pp + r);
    mean[k] += gainP * innovation;
    mean[V + k] += gainV * innovation;
    // P ← (I − K H) P with H = [1, 0]
    cov[c + PP] = (1 - gainP) * pp;
    cov[c + PV] = (1 - gainP) * pv;
    cov[c + VV] -= gainV * pv;
  }
  mean[2] = Math.max(MIN_SIZE_PX, mean[2]);
  mean[3] = Math.max(MIN_SIZE_PX, mean[3]);
}

/** Writes the state's box as x1, y1, x2, y2 into `out` at `offset`. */
export function kalmanBox(kf: KalmanBox, out: Float64Array | Float32Array, offset = 0): void {
  const m = kf.mean;
  out[offset] = m[0] - m[2] / 2;
  out[offset + 1] = m[1] - m[3] / 2;
  out[offset + 2] = m[0] + m[2] / 2;
  out[offset + 3] = m[1] + m[3] / 2;
}
