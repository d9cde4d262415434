import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getQueueToken } from '@nestjs/bull';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Queue } from 'bull';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import type { TestApp } from '../support/app.js';
import { fillSignUp, screenshotter, startPortalUnderTest, type PortalUnderTest } from '../support/browser.js';
import { startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';
import { sharedVideo } from '../support/paths.js';
import { makeAudioOnly } from '../support/videos.js';

/**
 * The portal in a real browser (Debian's Chromium through playwright-core) against the whole app on a real
 * port, with an in-process worker: sign up, upload, live progress, the report, keys, tenant isolation.
 */
const BUS = sharedVideo('bus-pan-720p120-3s.mp4');
const PASSWORD = 'a long enough passphrase';

let app: PortalUnderTest;
let smtp: FakeSmtp;
let t: TestApp;
let base: string;
let browser: Browser;
let dir: string;
let shot: (page: Page, name: string) => Promise<Buffer>;

/** Opens the sign-up page and fills the form (not submitted). */
async function signUpForm(context: BrowserContext, email: string, company: string): Promise<Page> {
  const page = await context.newPage();
  await fillSignUp(page, base, { company, email, password: PASSWORD });
  return page;
}

/** Waits until the element shows text matching `expected`, then returns its whole text. */
async function textWhen(l: Locator, expected: string | RegExp, timeout = 30_000): Promise<string> {
  await l.filter({ hasText: expected }).first().waitFor({ timeout });
  return (await l.first().textContent()) ?? '';
}

beforeAll(async () => {
  shot = await screenshotter('portal');
  dir = await mkdtemp(path.join(tmpdir(), 'tally-portal-browser-'));
  smtp = await startFakeSmtp();
  app = await startPortalUnderTest('portal_browser', { TALLY_SMTP_URL: smtp.url });
  ({ t, base, browser } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the customer portal in Chromium', () => {
  let ctxA: BrowserContext;
  let page: Page;
  let firstKey: string;
  let jobId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctxA.on('page', (p) => p.on('pageerror', (e) => consoleErrors.push(String(e))));
  });
  afterAll(async () => ctxA?.close());

  it('signs up: a tenant, its user and an API key shown once', async () => {
    page = await signUpForm(ctxA, 'owner@acme.example', 'Acme Traffic');
    await shot(page, '01-signup');
    // Rules are explained in the page with the server's words.
    await page.getByTestId('signup-form').getByLabel('Password').fill('1234567890123');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await textWhen(page.getByTestId('form-error'), 'only digits')).toBe('the password cannot be only digits');
    await page.getByTestId('signup-form').getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    firstKey = (await page.getByTestId('signup-api-key').textContent()) ?? '';
    expect(firstKey).toMatch(/^tly_/);
    await shot(page, '02-signup-api-key');
    await page.getByTestId('signup-continue').click();
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${firstKey}`).expect(200);
  });

  it('uploads the bus video (stride 4), shows live progress, and the job finishes', async () => {
    // Every status a job row shows, as it changes (the page only learns of changes over SSE: it never polls).
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seen: Set<string> }).seen = seen;
      new MutationObserver(() => document.querySelectorAll('[data-testid="job-row"]').forEach((r) => seen.add(r.getAttribute('data-status') ?? ''))).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status', 'aria-valuenow'],
      });
    });
    await page.getByTestId('upload-stride').selectOption('4');
    await page.getByTestId('upload-input').setInputFiles(BUS);
    const row = page.getByTestId('job-row').first();
    await row.waitFor({ timeout: 30_000 });
    jobId = (await row.getAttribute('data-job-id')) ?? '';
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.getByTestId('upload-item').first().getAttribute('data-phase')).resolves.toBe('queued');
    // Status and progress arrive over server-sent events (the page does not poll).
    await page.locator(`[data-testid="job-row"][data-status="processing"], [data-testid="job-row"][data-status="succeeded"]`).first().waitFor({ timeout: 60_000 });
    await shot(page, '03-jobs-processing');
    await page.locator('[data-testid="job-row"][data-status="succeeded"]').waitFor({ timeout: 240_000 });
    await textWhen(row.getByTestId('job-counts'), /person/);
    // The row went through processing to succeeded without a reload.
    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
    expect(seen).toEqual(expect.arrayContaining(['processing', 'succeeded']));
    await shot(page, '04-jobs-done');
  }, 300_000);

  it('opens the report: person and bus counts, charts, objects with thumbnails, downloads', async () => {
    await page.getByTestId('job-report-link').first().click();
    const counts = page.getByTestId('report-counts');
    await counts.waitFor();
    const count = async (cls: string) => Number(await counts.locator(`[data-testid="count-row"][data-class="${cls}"] [data-testid="count-value"]`).textContent());
    const person = await count('person');
    expect(person).toBeGreaterThanOrEqual(3);
    expect(person).toBeLessThanOrEqual(4);
    expect(await count('bus')).toBe(1);
    await expect(counts.locator('svg[role="img"] rect').count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('report-timeline').locator('svg path').count()).resolves.toBeGreaterThanOrEqual(2);
    const rows = await page.getByTestId('object-row').count();
    expect(rows).toBeGreaterThanOrEqual(person + 1);
    // Lazy thumbnails: the first ones load (rendered by ffmpeg on demand) and are ~320 px wide.
    const thumb = page.getByTestId('object-thumbnail').first();
    await thumb.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="object-thumbnail"]');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    }, undefined, { timeout: 30_000 });
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await expect(page.getByTestId('report-quality').textContent()).resolves.toMatch(/Scene cuts/);
    await expect(page.getByTestId('report-settings').textContent()).resolves.toMatch(/every 4 frames/);
    for (const [id, type] of [['download-csv', 'text/csv'], ['download-json', 'application/json'], ['download-html', 'text/html']] as const) {
      const href = await page.getByTestId(id).getAttribute('href');
      const res = await page.request.get(`${base}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain(type);
    }
    // Every thumbnail, once scrolled into view (they are lazy), loads.
    const thumbs = page.getByTestId('object-thumbnail');
    for (let i = 0; i < (await thumbs.count()); i++) {
      await thumbs.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction((n) => {
        const img = document.querySelectorAll<HTMLImageElement>('[data-testid="object-thumbnail"]')[n];
        return img.complete && img.naturalWidth === 320 && img.naturalHeight === 180;
      }, i, { timeout: 30_000 });
    }
    await shot(page, '05-report');
  }, 120_000);

  it('refuses bad uploads with the server’s message (and the client’s for an oversize file)', async () => {
    await page.goto(base);
    const fake = path.join(dir, 'not-a-video.mp4');
    await writeFile(fake, 'this is a text file with an .mp4 name\n'.repeat(50));
    const audio = await makeAudioOnly(path.join(dir, 'audio-only.mp4'));
    // What the API itself says about each file, to compare with the page.
    const serverMessage = async (file: string) => {
      const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${firstKey}`).attach('file', file);
      expect(res.status).toBeGreaterThanOrEqual(400);
      return res.body.error.message as string;
    };
    for (const file of [fake, audio]) {
      const expected = await serverMessage(file);
      await page.getByTestId('upload-input').setInputFiles(file);
      const item = page.locator('[data-testid="upload-item"]', { hasText: path.basename(file) }).first();
      await item.locator('[data-testid="upload-error"]').waitFor({ timeout: 30_000 });
      await expect(item.getByTestId('upload-error').textContent()).resolves.toBe(expected);
    }
    await shot(page, '06-bad-uploads-server-messages');
    // Over the plan's size limit: refused in the browser before anything is sent.
    const me = (await (await page.request.get(`${base}/v1/auth/me`)).json()) as { tenant: { id: string } };
    await t.app.get(TenantsService).setQuotaOverrides(me.tenant.id, { maxFileSizeBytes: 100_000 });
    await page.reload();
    const uploadsBefore = Number((await t.db.query('SELECT count(*)::int AS n FROM uploads'))[0].n);
    await page.getByTestId('upload-input').setInputFiles(BUS);
    const big = page.locator('[data-testid="upload-item"]', { hasText: 'bus-pan-720p120-3s.mp4' }).first();
    await textWhen(big.getByTestId('upload-error'), /over your plan's limit of 100 KB per video/);
    expect(Number((await t.db.query('SELECT count(*)::int AS n FROM uploads'))[0].n)).toBe(uploadsBefore);
    await shot(page, '07-oversize-client-check');
    await t.app.get(TenantsService).setQuotaOverrides(me.tenant.id, {});
    await page.reload(); // the page reads the limits at load
  }, 120_000);

  it('shows a job submitted elsewhere (over the API) without a reload, and cancels it from the list', async () => {
    await page.goto(base);
    await page.getByTestId('job-row').first().waitFor();
    const queue = t.app.get<Queue>(getQueueToken('analysis'));
    await queue.pause(true); // this process's worker takes nothing: the job stays queued until canceled
    try {
      const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${firstKey}`).attach('file', BUS).expect(202);
      const id = res.body.jobId as string;
      const row = page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
      await row.and(page.locator('[data-status="queued"]')).waitFor({ timeout: 15_000 });
      await shot(page, '07b-job-from-api-queued');
      await row.getByTestId('job-cancel').click();
      await row.and(page.locator('[data-status="canceled"]')).waitFor({ timeout: 15_000 });
      await expect(row.getByTestId('job-cancel').count()).resolves.toBe(0);
      const job = await request(t.server).get(`/v1/jobs/${id}`).set('Authorization', `Bearer ${firstKey}`).expect(200);
      expect(job.body.status).toBe('canceled');
      // The filter shows it among the canceled jobs only.
      await page.getByTestId('job-filter-canceled').click();
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid="job-row"]')];
        return rows.length > 0 && rows.every((r) => r.getAttribute('data-status') === 'canceled');
      });
      await expect(page.getByTestId('job-row').count()).resolves.toBe(1);
      await page.getByTestId('job-filter-all').click();
    } finally {
      await queue.resume(true);
    }
  }, 60_000);

  it('creates an API key (shown once) that works with the API, then revokes it: 401', async () => {
    await page.getByRole('link', { name: 'API keys & webhooks' }).click();
    await page.getByTestId('api-key-name').fill('ci key');
    await page.getByTestId('api-key-create').click();
    const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
    expect(key).toMatch(/^tly_/);
    const list = await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${key}`).expect(200);
    expect(list.body.items.map((j: { id: string }) => j.id)).toContain(jobId);
    await page.getByTestId('webhook-url').fill('https://hooks.acme.example/tally');
    await page.getByTestId('webhook-save').click();
    await page.getByText('Saved.').waitFor();
    await page.getByTestId('webhook-reveal').click();
    expect(await textWhen(page.getByTestId('webhook-secret'), /^whsec_.{20,}$/)).toMatch(/^whsec_/);
    await shot(page, '08-keys');
    page.once('dialog', (d) => void d.accept());
    const row = page.locator('[data-testid="api-key-row"]', { hasText: 'ci key' });
    await row.getByTestId('api-key-revoke').click();
    await page.locator('[data-testid="api-key-row"][data-revoked="true"]', { hasText: 'ci key' }).waitFor();
    const refused = await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${key}`).expect(401);
    expect(refused.body.error.code).toBe('api_key_revoked');
    await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${firstKey}`).expect(200);
  });

  it('shows usage for the period', async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByTestId('usage-minutes').waitFor();
    // One succeeded job of a 3-second video is billed (the canceled one is not): what the API says, the page shows.
    const usage = (await (await page.request.get(`${base}/v1/usage`)).json()) as { jobs: number; videoSeconds: number; estimatedCharge: { amount: number } };
    expect(usage.jobs).toBe(1);
    expect(usage.videoSeconds).toBeGreaterThanOrEqual(2);
    expect(usage.videoSeconds).toBeLessThanOrEqual(4);
    await expect(page.getByTestId('usage-jobs').textContent()).resolves.toMatch(/\(1 job\)/);
    await expect(page.getByTestId('usage-minutes').textContent()).resolves.toBe(`${(usage.videoSeconds / 60).toFixed(1)} min`);
    await expect(page.getByTestId('usage-invoices').textContent()).resolves.toMatch(/Invoicing is not enabled/);
    await shot(page, '09-usage');
  });

  it('a second tenant sees none of the first tenant’s jobs', async () => {
    const ctxB = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone-sized screen too
    try {
      const b = await signUpForm(ctxB, 'someone@other.example', 'Other Co');
      await b.getByRole('button', { name: 'Create account' }).click();
      const keyB = (await b.getByTestId('signup-api-key').textContent()) ?? '';
      await b.getByTestId('signup-continue').click();
      await b.getByText('No videos yet').waitFor();
      expect(await b.getByTestId('job-row').count()).toBe(0);
      await shot(b, '10-tenant-b-jobs-mobile');
      await b.goto(`${base}/jobs/${jobId}`);
      await b.getByText('job not found').waitFor();
      await request(t.server).get(`/v1/jobs/${jobId}`).set('Authorization', `Bearer ${keyB}`).expect(404);
      await request(t.server).get(`/v1/jobs/${jobId}/objects/1/thumbnail.jpg`).set('Authorization', `Bearer ${keyB}`).expect(404);
    } finally {
      await ctxB.close();
    }
  });

  it('signs out and back in', async () => {
    await page.getByTestId('signout').click();
    await page.getByTestId('signin-form').waitFor();
    await page.getByLabel('Email').fill('owner@acme.example');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await textWhen(page.getByTestId('form-error'), 'wrong')).toBe('wrong email or password');
    await shot(page, '11-signin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('job-row').first().waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('changes the password on the account page; a mailed reset link sets another and signs the other browser out', async () => {
    const second = 'another long passphrase';
    const third = 'yet another passphrase';
    await page.getByRole('link', { name: 'Account' }).click();
    const form = page.getByTestId('password-form');
    await form.getByLabel('Current password').fill('not the password');
    await form.getByLabel('New password', { exact: true }).fill(second);
    await form.getByLabel('New password again').fill(second);
    await form.getByRole('button', { name: 'Change password' }).click();
    expect(await textWhen(form.getByTestId('form-error'), 'wrong')).toBe('the current password is wrong');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill(second);
    await form.getByLabel('New password again').fill(second);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByTestId('password-changed').waitFor();
    await shot(page, '12-account-password-changed');

    // Forgotten on another computer: "Forgot your password?", then the link from the mail.
    const ctxC = await browser.newContext();
    try {
      const other = await ctxC.newPage();
      await other.goto(`${base}/signin`);
      await other.getByTestId('forgot-password').click();
      await other.getByTestId('forgot-form').getByLabel('Email').fill('owner@acme.example');
      await other.getByRole('button', { name: 'Send me a reset link' }).click();
      await other.getByTestId('reset-requested').waitFor();
      await shot(other, '13-reset-requested');
      const mail = await smtp.next('owner@acme.example');
      const link = /https?:\/\/\S+\/reset-password#token=[\w-]+/.exec(mail.text)?.[0] ?? '';
      expect(link.startsWith(`${base}/reset-password#token=`)).toBe(true);
      await other.goto(link);
      const reset = other.getByTestId('reset-form');
      await reset.getByLabel('New password', { exact: true }).fill(third);
      await reset.getByLabel('New password again').fill(third);
      await shot(other, '14-reset-password');
      await reset.getByRole('button', { name: 'Set password and sign in' }).click();
      await other.getByTestId('job-row').first().waitFor();
      expect(new URL(other.url()).hash).toBe(''); // the spent token is not left in the address bar
    } finally {
      await ctxC.close();
    }
    // The first browser's session started before the reset: it is over (sessions are cached up to 5 s).
    await page.waitForTimeout(5200);
    await page.reload();
    await page.getByTestId('signin-form').waitFor();
    await page.getByLabel('Email').fill('owner@acme.example');
    await page.getByLabel('Password').fill(third);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('job-row').first().waitFor();
  }, 60_000);

  it('invites a colleague from the account page: they choose a password from the mail and see the same jobs', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    const team = page.getByTestId('team');
    await team.getByTestId('team-member').first().waitFor();
    await page.getByTestId('invite-form').getByLabel('Invite by email').fill('colleague@acme.example');
    await page.getByRole('button', { name: 'Invite' }).click();
    expect(await textWhen(page.getByTestId('invitation'), 'mailed')).toContain('Invitation mailed to colleague@acme.example');
    await page.locator('[data-testid="team-member"][data-pending="true"]', { hasText: 'colleague@acme.example' }).waitFor();
    await shot(page, '15-team-invited');
    const mail = await smtp.next('colleague@acme.example');
    const link = /https?:\/\/\S+\/reset-password#token=[\w-]+/.exec(mail.text)?.[0] ?? '';
    const ctxD = await browser.newContext();
    try {
      const colleague = await ctxD.newPage();
      await colleague.goto(link);
      const form = colleague.getByTestId('reset-form');
      await form.getByLabel('New password', { exact: true }).fill('a good team passphrase');
      await form.getByLabel('New password again').fill('a good team passphrase');
      await form.getByRole('button', { name: 'Set password and sign in' }).click();
      await colleague.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`).waitFor(); // the organisation's jobs
    } finally {
      await ctxD.close();
    }
    await page.reload();
    const row = page.locator('[data-testid="team-member"]', { hasText: 'colleague@acme.example' });
    await row.and(page.locator('[data-pending="false"]')).waitFor();
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('team-remove').click();
    await row.waitFor({ state: 'detached' });
    await expect(page.locator('[data-testid="team-member"]').count()).resolves.toBe(1);
  }, 60_000);
});
