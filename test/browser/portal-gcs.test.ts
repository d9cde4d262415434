import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { screenshotter, signUpInPortal, startPortalUnderTest, type PortalUnderTest } from '../support/browser.js';
import { startFakeGcs, type FakeGcs } from '../support/fake-gcs.js';
import { sharedVideo } from '../support/paths.js';

/**
 * With GCS storage the browser PUTs the video straight to the bucket through a V4 signed URL (a CORS request
 * with a preflight, allowed by the bucket's CORS rule and the page's connect-src): the API never sees the bytes.
 * GCS is a small fake in test/support driven by the real @google-cloud/storage client on the API's side.
 */
let app: PortalUnderTest;
let gcs: FakeGcs;
let base: string;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tally-portal-gcs-'));
  const corsOrigins: string[] = []; // the portal's origin, once its port is known (the fake reads it per request)
  gcs = await startFakeGcs('tally-videos', { corsOrigins });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'sa.json');
  await writeFile(keyFile, JSON.stringify({ type: 'service_account', project_id: 'test', client_email: 'tally@test.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  app = await startPortalUnderTest('portal_gcs', {
    TALLY_STORAGE: 'gcs',
    TALLY_GCS_BUCKET: 'tally-videos',
    TALLY_GCS_API_ENDPOINT: gcs.url,
    TALLY_GCS_KEY_FILE: keyFile,
  });
  ({ base, browser } = app);
  corsOrigins.push(base);
}, 120_000);

afterAll(async () => {
  await app?.close();
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
