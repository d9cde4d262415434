import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort, launchChromium, screenshotter, signUpInPortal } from '../support/browser.js';
import { startFakeGcs, type FakeGcs } from '../support/fake-gcs.js';
import { sharedVideo } from '../support/paths.js';
import { ensurePortalBuilt } from '../support/portal.js';

/**
 * With GCS storage the browser PUTs the video straight to the bucket through a V4 signed URL (a CORS request
 * with a preflight, allowed by the bucket's CORS rule and the page's connect-src): the API never sees the bytes.
 * GCS is a small fake in test/support driven by the real @google-cloud/storage client on the API's side.
 */
let t: TestApp;
let gcs: FakeGcs;
let base: string;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  await ensurePortalBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'tally-portal-gcs-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gcs = await startFakeGcs('tally-videos', { corsOrigins: [base] });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  await writeFile(keyFile, JSON.stringify({ type: 'service_account', project_id: 'test', client_email: 'tally@test.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  t = await startTestApp('portal_gcs', {
    TALLY_ROLE: 'all',
    TALLY_INFERENCE_THREADS: '2',
    PORT: String(port),
    TALLY_PUBLIC_URL: base,
    TALLY_STORAGE: 'gcs',
    TALLY_GCS_BUCKET: 'tally-videos',
    TALLY_GCS_API_ENDPOINT: gcs.url,
    TALLY_GCS_KEY_FILE: keyFile,
  });
  await t.app.listen(port, '127.0.0.1');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await gcs?.close();
  await rm(dir, { recursive: true, force: true });
});

it('uploads from the page straight to the bucket, and the job runs from there', async () => {
  const shot = await screenshotter('portal-gcs');
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const apiPaths: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(base)) apiPaths.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await signUpInPortal(page, base, { company: 'Cloud Co', email: 'owner@cloud.example', password: 'a long enough passphrase' });
    await page.getByTestId('upload-stride').selectOption('8');
    await page.getByTestId('upload-input').setInputFiles(sharedVideo('bus-pan-720p120-3s.mp4'));
    const row = page.locator('[data-testid="job-row"][data-status="succeeded"]');
    await row.waitFor({ timeout: 240_000 });
    await shot(page, 'jobs-done');
    // The bytes went to the bucket (preflight, then the signed PUT), never through the API.
    const puts = gcs.requests.filter((r) => r.startsWith('PUT /tally-videos/'));
    expect(puts).toHaveLength(1);
    expect(gcs.requests).toContain(`OPTIONS ${puts[0].slice(4)}`);
    expect(apiPaths.filter((p) => p.startsWith('PUT '))).toEqual([]);
    expect(apiPaths).toEqual(expect.arrayContaining(['POST /v1/uploads', expect.stringMatching(/^POST \/v1\/uploads\/[0-9a-f-]+\/complete$/)]));
    const key = decodeURIComponent(puts[0].slice('PUT /tally-videos/'.length));
    expect(gcs.objects.get(key)?.length).toBeGreaterThan(100_000);
    await row.getByTestId('job-counts').filter({ hasText: /bus/ }).waitFor(); // with the list reload after the final event
  } finally {
    await ctx.close();
  }
}, 300_000);
