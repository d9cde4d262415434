/** What ffprobe tells about a video file, normalised. */
export interface VideoProbe {
  /** Index of the video stream in the container (not always 0). */
  streamIndex: number;
  codec: string;
  width: number;
  height: number;
  /** Clockwise rotation from the display matrix or rotate tag: 0, 90, 180 or 270. */
  rotation: number;
  /** Width and height as displayed (after rotation). */
  displayWidth: number;
  displayHeight: number;
  /** Average frame rate (frames / duration), also right for variable frame rate. */
  fps: number;
  durationSec: number;
  /** Exact when the container says so, otherwise round(duration × fps). */
  frames: number;
  variableFrameRate: boolean;
  sizeBytes: number;
  formatName: string;
}
