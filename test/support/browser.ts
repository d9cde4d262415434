import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './paths.js';

/** A free TCP port on 127.0.0.1 for an app under test. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Debian's Chromium through playwright-core, headless, with no background network traffic
 * (playwright gives every launch a fresh temporary --user-data-dir). Never a downloaded browser.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Full-page screenshots under test-output/<suite>/ (git-ignored). */
export async function screenshotter(suite: string): Promise<(page: Page, name: string) => Promise<Buffer>> {
  const dir = path.join(repoRoot, 'test-output', suite);
  await mkdir(dir, { recursive: true });
  return (page, name) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
