/**
 * What the portal checks before sending a file (the server checks everything again, with ffprobe):
 * a video by type or extension, not empty, within the plan's size limit. Pure: unit-tested.
 */
import { formatBytes } from './format.js';

export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.mts', '.m2ts', '.3gp', '.wmv', '.flv', '.ogv'];

/** The `accept` attribute of the file input. */
export const ACCEPT_ATTRIBUTE = ['video/*', ...VIDEO_EXTENSIONS].join(',');

export interface FileFacts {
  name: string;
  size: number;
  /** The browser's guess from the extension ('' when it has none). */
  type: string;
}

/** Why this file will not be sent, or null when it may be. */
export function fileProblem(file: FileFacts, maxFileSizeBytes: number): string | null {
  const dot = file.name.lastIndexOf('.');
  const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : '';
  const videoType = file.type.startsWith('video/');
  if (!videoType && !VIDEO_EXTENSIONS.includes(ext)) {
    return `${file.name} is not a video file (${file.type || (ext ? `${ext} file` : 'unknown type')}): upload MP4, MOV, MKV, WebM or AVI`;
  }
  if (file.size === 0) return `${file.name} is empty`;
  if (file.size > maxFileSizeBytes) {
    return `${file.name} is ${formatBytes(file.size)}, over your plan's limit of ${formatBytes(maxFileSizeBytes)} per video`;
  }
  return null;
}
