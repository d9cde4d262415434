import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type Page } from 'playwright-core';
import { createStaff, startAdminApp, type StaffLogin } from '../support/admin.js';
import type { TestApp } from '../support/app.js';
import { loadEnv } from '../../src/config/env.js';
import { freePort, launchChromium } from '../support/browser.js';
import { repoRoot } from '../support/paths.js';

/**
 * The admin panel in a real browser (Debian's Chromium through playwright-core) against the whole app on a
 * real port: sign in, the dashboard, the jobs list, one job. Screenshots go to test-output/admin/.
 */
const SHOTS = path.join(repoRoot, 'test-output', 'admin');
const run = promisify(execFile);

let t: TestApp;
let base: string;
let browser: Browser;
let staff: StaffLogin;
let failedJobId: string;

/** `npm run build` makes the component bundle; a test run without a build makes it here once (a few seconds). */
async function ensureAdminBundle(): Promise<void> {
  if (existsSync(path.join(repoRoot, loadEnv({}).adminBundleDir, 'bundle.js'))) return;
  await run(process.execPath, ['--import', './test/support/register-ts.mjs', 'src/admin/bundle.ts'], { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' } });
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  await ensureAdminBundle();
  await mkdir(SHOTS, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startAdminApp('admin_browser', { PORT: String(port), TALLY_PUBLIC_URL: base });
  await t.app.listen(port, '127.0.0.1');
  staff = await createStaff(t.db, 'support');
  // A tenant with one succeeded and one failed job.
  const { tenantId } = await t.createTenant('Acme Traffic', 'pro');
  for (const [status, error] of [
    ['succeeded', null],
    ['failed', 'analysis failed: ffmpeg exited with code 1'],
  ] as const) {
    const videoId = randomUUID();
    await t.db.query(`INSERT INTO videos (id, tenant_id, storage_key, original_name, size_bytes, duration_sec, probe) VALUES ($1, $2, 'k', 'junction.mp4', 1000, 30, '{}')`, [videoId, tenantId]);
    const [{ id }] = (await t.db.query(
      `INSERT INTO jobs (tenant_id, video_id, status, attempts, deadline_at, started_at, finished_at, decode_ms, inference_ms, wall_ms, frames_analysed, fps, worker_id, error_code, error_message)
       VALUES ($1, $2, $3, 3, now() + interval '20 minutes', now() - interval '1 minute', now(), 4100, 9800, 15200, 450, 29.6, 'worker-1:4242', $4, $5) RETURNING id`,
      [tenantId, videoId, status, error ? 'analysis_failed' : null, error],
    )) as { id: string }[];
    if (status === 'failed') failedJobId = id;
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the admin panel in Chromium', () => {
  let page: Page;

  it('redirects to the login page, signs in and shows the dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Nothing leaves the machine: AdminJS's page links Google Fonts, which is refused here (system fonts are used).
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    page = await context.newPage();
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('input[name="email"]', staff.email);
    await page.fill('input[name="password"]', staff.password);
    await shot(page, 'login');
    await Promise.all([page.waitForURL(`${base}/admin`), page.press('input[name="password"]', 'Enter')]);
    const dashboard = page.getByTestId('tally-dashboard');
    await dashboard.waitFor({ timeout: 30_000 });
    await page.getByTestId('economics').waitFor();
    expect(await page.getByTestId('jobs-by-status').textContent()).toMatch(/succeeded\s*1/);
    await shot(page, 'dashboard');
  });

  it('opens the jobs list', async () => {
    await page.goto(`${base}/admin/resources/Job`);
    await page.locator('table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('table tbody tr').count()).toBe(2);
    const text = await page.locator('table').textContent();
    expect(text).toMatch(/Failed/i);
    expect(text).toMatch(/Succeeded/i);
    expect(text).toContain('Acme Traffic'); // the tenant relation resolves to its name
    await shot(page, 'jobs-list');
  });

  it('opens a job: its error, attempts, worker, timings, and the retry action', async () => {
    await page.goto(`${base}/admin/resources/Job/records/${failedJobId}/show`);
    await page.getByText('analysis failed: ffmpeg exited with code 1').waitFor({ timeout: 30_000 });
    const body = (await page.locator('body').textContent()) ?? '';
    for (const expected of ['worker-1:4242', '29.6', '450', '9800', '4100']) expect(body).toContain(expected);
    await page.getByText('No report: the job is failed.').waitFor();
    await shot(page, 'job');
    // The retry form (the action's own component), not submitted here.
    await page.goto(`${base}/admin/resources/Job/records/${failedJobId}/retryJob`);
    await page.getByTestId('action-form').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('action-form').textContent()).toContain('new 20-minute deadline');
    await shot(page, 'job-retry');
  });
});
