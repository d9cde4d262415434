import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small synthetic H.264 MP4 (ffmpeg's testsrc), for tests that need a valid video quickly. */
export async function makeVideo(path: string, opts: { seconds?: number; width?: number; height?: number; fps?: number } = {}): Promise<string> {
  const { seconds = 1, width = 160, height = 120, fps = 10 } = opts;
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}:duration=${seconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path]);
  return path;
}

/** An M4A with one sine-wave audio stream and no video. */
export async function makeAudioOnly(path: string, seconds = 1): Promise<string> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', path]);
  return path;
}

/** The first `bytes` bytes of a file (a download cut short). */
export async function truncate(source: string, target: string, bytes: number): Promise<string> {
  await run('sh', ['-c', `head -c ${bytes} "$1" > "$2"`, 'sh', source, target]);
  return target;
}
