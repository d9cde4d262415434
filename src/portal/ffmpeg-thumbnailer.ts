import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { thumbnailArgs, type ThumbnailInput } from './thumbnail-args.js';

const run = promisify(execFile);
const TIMEOUT_MS = 20_000;

/** The one place the portal runs ffmpeg: one JPEG of one frame, box drawn (see thumbnailArgs). */
export async function renderThumbnail(videoPath: string, outPath: string, input: ThumbnailInput): Promise<void> {
  await run('ffmpeg', thumbnailArgs(videoPath, outPath, input), { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 });
}
