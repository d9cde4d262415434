import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import { repoRoot } from './paths.js';
import { ensurePortalBuilt } from './portal.js';

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

/** Opens the portal's sign-up page and fills the form (not submitted). */
export async function fillSignUp(page: Page, base: string, account: { company: string; email: string; password: string }): Promise<void> {
  await page.goto(`${base}/signup`);
  const form = page.getByTestId('signup-form');
  await form.getByLabel('Organisation').fill(account.company);
  await form.getByLabel('Email').fill(account.email);
  await form.getByLabel('Password').fill(account.password);
}

/** Signs up through the portal and continues to the job list; returns the API key shown once. */
export async function signUpInPortal(page: Page, base: string, account: { company: string; email: string; password: string }): Promise<string> {
  await fillSignUp(page, base, account);
  await page.getByRole('button', { name: 'Create account' }).click();
  const apiKey = (await page.getByTestId('signup-api-key').textContent()) ?? '';
  await page.getByTestId('signup-continue').click();
  await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
  return apiKey;
}

export interface PortalUnderTest {
  t: TestApp;
  /** http://127.0.0.1:<port> */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The whole app (API and an in-process worker, with the built portal) on a real port, and Chromium: what a
 * browser test drives. `vars` adds to or overrides the test environment.
 */
export async function startPortalUnderTest(name: string, vars: Record<string, string> = {}): Promise<PortalUnderTest> {
  await ensurePortalBuilt();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp(name, { TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '2', PORT: String(port), TALLY_PUBLIC_URL: base, ...vars });
  await t.app.listen(port, '127.0.0.1');
  const browser = await launchChromium();
  return {
    t,
    base,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}
