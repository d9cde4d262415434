import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** The built portal the app serves in tests (src/portal resolves the same place when run from sources). */
export const portalDistDir = path.join(repoRoot, 'dist', 'portal');

const built = () => existsSync(path.join(portalDistDir, 'index.html'));

/**
 * Builds the portal (vite, a few seconds) unless dist/portal already has one (`npm run build` makes it; a stale
 * build is not detected: rebuild after changing portal/). Test files running in parallel build it once: the
 * first takes a lock directory, the others wait for its index.html.
 */
export async function ensurePortalBuilt(): Promise<void> {
  if (built()) return;
  const lock = path.join(repoRoot, 'dist', '.portal-build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  try {
    await mkdir(lock);
  } catch {
    for (let waited = 0; !built(); waited += 200) {
      if (waited > 120_000) throw new Error(`the portal build did not finish (remove ${lock} if no build is running)`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return;
  }
  try {
    await run(process.execPath, [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'portal/vite.config.ts', '--logLevel', 'error'], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** `name=value` of a Set-Cookie header, for sending back. */
export function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('no Set-Cookie');
  return first.split(';')[0];
}
