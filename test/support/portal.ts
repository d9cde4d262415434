import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** The built portal the app serves in tests (src/portal resolves the same place when run from sources). */
export const portalDistDir = path.join(repoRoot, 'dist', 'portal');

/** Builds the portal (vite, a few seconds) unless dist/portal already has one. */
export async function ensurePortalBuilt(): Promise<void> {
  if (existsSync(path.join(portalDistDir, 'index.html'))) return;
  await run(process.execPath, [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'portal/vite.config.ts', '--logLevel', 'error'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

/** `name=value` of a Set-Cookie header, for sending back. */
export function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('no Set-Cookie');
  return first.split(';')[0];
}
