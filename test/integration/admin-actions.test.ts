import { rename } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import request from 'supertest';
import { AuditLogEntry } from '../../src/admin/audit-log.entity.js';
import { ApiKey } from '../../src/auth/api-key.entity.js';
import { StaffUser } from '../../src/admin/staff-user.entity.js';
import { UsageLedgerEntry } from '../../src/billing/usage-ledger.entity.js';
import { verifyPassword } from '../../src/portal/passwords.js';
import { Job } from '../../src/jobs/job.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { Video } from '../../src/videos/video.entity.js';
import { createStaff, signIn, startAdminApp, type Agent } from '../support/admin.js';
import { waitFor, type TestApp } from '../support/app.js';
import { makeVideo } from '../support/videos.js';

/** AdminJS's API routes, as the panel's own front end calls them (and as anyone could by hand). */
const recordAction = (resource: string, id: string, action: string) => `/admin/api/resources/${resource}/records/${id}/${action}`;

describe('admin panel actions, roles and audit log', () => {
  let t: TestApp;
  let support: Agent;
  let admin: Agent;
  let supportId: string;
  let adminId: string;
  let tenant: { tenantId: string; apiKey: string };
  let video: string;

  beforeAll(async () => {
    t = await startAdminApp('admin_actions', { TALLY_ROLE: 'all', TALLY_INFERENCE_THREADS: '1' });
    const s = await createStaff(t.db, 'support');
    const a = await createStaff(t.db, 'admin');
    [supportId, adminId] = [s.id, a.id];
    support = await signIn(t.app, s);
    admin = await signIn(t.app, a);
    tenant = await t.createTenant('Acme', 'pro');
    video = await makeVideo(path.join(await mkdtemp(path.join(tmpdir(), 'tally-admin-')), 'clip.mp4'), { seconds: 1, fps: 10 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const audits = (action: string, recordId: string) => t.db.getRepository(AuditLogEntry).find({ where: { action, recordId }, order: { createdAt: 'ASC' } });

  async function upload(): Promise<string> {
    const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${tenant.apiKey}`).field('stride', '5').attach('file', video);
    expect(res.status).toBe(202);
    return res.body.jobId as string;
  }

  it('lets support retry a failed job: it runs again and succeeds, and the retry is audited', async () => {
    const queue = t.app.get<Queue>(getQueueToken('analysis'));
    await queue.pause(true); // this process's worker takes nothing while the source file goes missing
    const jobId = await upload();
    const { storageKey } = await t.db.getRepository(Video).findOneByOrFail({ id: (await t.db.getRepository(Job).findOneByOrFail({ id: jobId })).videoId });
    const file = path.join(t.env.storageDir, ...storageKey.split('/'));
    await rename(file, `${file}.away`);
    await queue.resume(true);
    const failed = await waitFor(async () => {
      const j = await t.db.getRepository(Job).findOneByOrFail({ id: jobId });
      return j.status === 'failed' ? j : undefined;
    });
    expect(failed.errorCode).toBe('video_missing');
    await rename(`${file}.away`, file); // storage is back

    // The action's GET only shows its form: nothing changes.
    const form = await support.get(recordAction('Job', jobId, 'retryJob')).expect(200);
    expect(form.body.record.params.status).toBe('failed');
    expect((await t.db.getRepository(Job).findOneByOrFail({ id: jobId })).status).toBe('failed');

    const res = await support.post(recordAction('Job', jobId, 'retryJob')).send({}).expect(200);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const done = await waitFor(async () => {
      const j = await t.db.getRepository(Job).findOneByOrFail({ id: jobId });
      return j.status === 'succeeded' ? j : undefined;
    });
    expect(done.attempts).toBe(2);
    expect(done.framesAnalysed).toBeGreaterThan(0);
    // The report opens from the panel (staff session, any tenant).
    const report = await support.get(`/v1/admin/jobs/${jobId}/report.json`).expect(200);
    expect(report.body.analysis.framesAnalysed).toBe(done.framesAnalysed);
    expect((await support.get(`/v1/admin/jobs/${jobId}/report.html`).expect(200)).text).toContain('<html');

    const [audit] = await audits('retryJob', jobId);
    expect(audit).toMatchObject({ staffUserId: supportId, resource: 'Job', staffRole: 'support' });
    expect(audit.before).toMatchObject({ status: 'failed', errorCode: 'video_missing' });
    expect(audit.after).toMatchObject({ status: 'queued', errorCode: null });
    // A succeeded job cannot be retried: an error notice, no change, no audit row.
    const again = await support.post(recordAction('Job', jobId, 'retryJob')).send({}).expect(200);
    expect(again.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('only a failed job') });
    expect(await audits('retryJob', jobId)).toHaveLength(1);
  });

  it('lets support cancel a queued job', async () => {
    const queue = t.app.get<Queue>(getQueueToken('analysis'));
    await queue.pause(true);
    try {
      const jobId = await upload();
      const res = await support.post(recordAction('Job', jobId, 'cancelJob')).send({}).expect(200);
      expect(res.body.notice.type).toBe('success');
      expect((await t.db.getRepository(Job).findOneByOrFail({ id: jobId })).status).toBe('canceled');
      const [audit] = await audits('cancelJob', jobId);
      expect(audit.before).toMatchObject({ status: 'queued' });
      expect(audit.after).toMatchObject({ status: 'canceled' });
    } finally {
      await queue.resume(true);
    }
  });

  it('refuses support a credit, a tenant deletion, a plan change and a suspension, also when the request is crafted by hand', async () => {
    const before = await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId });
    const attempts: [string, Record<string, string>][] = [
      ['issueCredit', { minutes: '100', reason: 'support tries anyway' }],
      ['delete', {}],
      ['edit', { planId: 'enterprise' }],
      ['suspendTenant', {}],
    ];
    for (const [action, body] of attempts) {
      const res = await support.post(recordAction('Tenant', tenant.tenantId, action)).send(body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await audits(`denied:${action}`, tenant.tenantId)).map((a) => a.staffUserId)).toEqual([supportId]);
    }
    // A form post (not JSON) and the bulk delete route are refused too.
    expect((await support.post(recordAction('Tenant', tenant.tenantId, 'issueCredit')).type('form').send({ minutes: '5', reason: 'form' })).status).toBe(403);
    expect((await support.post(`/admin/api/resources/Tenant/bulk/bulkDelete?recordIds=${tenant.tenantId}`).send({})).status).toBe(403);
    // Nothing changed.
    expect(await t.db.getRepository(UsageLedgerEntry).countBy({ tenantId: tenant.tenantId, kind: 'credit' })).toBe(0);
    expect(await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).toMatchObject({ planId: before.planId, status: 'active' });
    // The UI hides what the role cannot do: the record's actions list no issueCredit or delete for support.
    const shown = await support.get(recordAction('Tenant', tenant.tenantId, 'show')).expect(200);
    const names = (shown.body.record.recordActions as { name: string }[]).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['show', 'changeQuota']));
    expect(names).not.toEqual(expect.arrayContaining(['issueCredit']));
    expect(names).not.toContain('delete');
    expect(names).not.toContain('edit');
    // delete only by POST, whoever asks.
    expect((await admin.get(recordAction('Tenant', tenant.tenantId, 'delete'))).status).toBe(405);
  });

  it('lets an admin issue a credit: a negative ledger row with the reason, audited', async () => {
    const res = await admin.post(recordAction('Tenant', tenant.tenantId, 'issueCredit')).send({ minutes: '12.5', reason: 'stuck job on Nov 28', idempotencyKey: 'k1' }).expect(200);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    // A double submit of the same form issues one credit.
    await admin.post(recordAction('Tenant', tenant.tenantId, 'issueCredit')).send({ minutes: '12.5', reason: 'stuck job on Nov 28', idempotencyKey: 'k1' }).expect(200);
    const credits = await t.db.getRepository(UsageLedgerEntry).findBy({ tenantId: tenant.tenantId, kind: 'credit' });
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({ videoSeconds: -750, reason: 'stuck job on Nov 28', issuedBy: expect.stringMatching(/^admin\d+@tally\.test$/) });
    const audit = (await audits('issueCredit', tenant.tenantId))[0];
    expect(audit).toMatchObject({ staffUserId: adminId, resource: 'Tenant', note: 'credit of 750 video-seconds: stuck job on Nov 28' });
    expect(audit.before).toMatchObject({ id: tenant.tenantId, name: 'Acme' });
    expect(audit.after).toMatchObject({ ledgerEntryId: credits[0].id, videoSeconds: -750 });
    // Bad input: a notice, no row.
    const bad = await admin.post(recordAction('Tenant', tenant.tenantId, 'issueCredit')).send({ minutes: '-3', reason: 'x' }).expect(200);
    expect(bad.body.notice.type).toBe('error');
    expect(await t.db.getRepository(UsageLedgerEntry).countBy({ tenantId: tenant.tenantId, kind: 'credit' })).toBe(1);
  });

  it('lets an admin suspend and reactivate a tenant (no new jobs meanwhile)', async () => {
    await admin.post(recordAction('Tenant', tenant.tenantId, 'suspendTenant')).send({}).expect(200);
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).status).toBe('suspended');
    const refused = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${tenant.apiKey}`).attach('file', video);
    expect(refused.status).toBe(403);
    const [audit] = await audits('suspendTenant', tenant.tenantId);
    expect(audit.before).toMatchObject({ status: 'active' });
    expect(audit.after).toMatchObject({ status: 'suspended' });
    await admin.post(recordAction('Tenant', tenant.tenantId, 'reactivateTenant')).send({}).expect(200);
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).status).toBe('active');
    expect((await audits('reactivateTenant', tenant.tenantId))[0].after).toMatchObject({ status: 'active' });
  });

  it('lets support raise a quota up to the plan limit, not beyond; an admin may go beyond', async () => {
    // The pro plan allows 10 concurrent jobs; this tenant was lowered to 3.
    await t.db.getRepository(Tenant).update({ id: tenant.tenantId }, { quotaOverrides: { maxConcurrentJobs: 3 } });
    const raise = await support.post(recordAction('Tenant', tenant.tenantId, 'changeQuota')).send({ maxConcurrentJobs: '8' }).expect(200);
    expect(raise.body.notice.type).toBe('success');
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).quotaOverrides).toEqual({ maxConcurrentJobs: 8 });
    const [audit] = await audits('changeQuota', tenant.tenantId);
    expect(audit.before).toMatchObject({ 'quotaOverrides.maxConcurrentJobs': 3 });
    expect(audit.after).toMatchObject({ 'quotaOverrides.maxConcurrentJobs': 8 });

    for (const [form, message] of [
      [{ maxConcurrentJobs: '50' }, /over the plan's limit of 10/],
      [{ maxConcurrentJobs: '2' }, /can only raise/],
      [{ maxVideoMinutesPerMonth: 'unlimited' }, /over the plan's limit of 20000/],
    ] as const) {
      const res = await support.post(recordAction('Tenant', tenant.tenantId, 'changeQuota')).send(form).expect(200);
      expect(res.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(message) });
    }
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).quotaOverrides).toEqual({ maxConcurrentJobs: 8 });
    expect(await audits('changeQuota', tenant.tenantId)).toHaveLength(1);

    await admin.post(recordAction('Tenant', tenant.tenantId, 'changeQuota')).send({ maxConcurrentJobs: '50', maxVideoMinutesPerMonth: 'unlimited' }).expect(200);
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).quotaOverrides).toEqual({ maxConcurrentJobs: 50, maxVideoMinutesPerMonth: null });
    // Back to the plan's value: the override goes.
    await support.post(recordAction('Tenant', tenant.tenantId, 'changeQuota')).send({ maxConcurrentJobs: '', maxVideoMinutesPerMonth: '' });
    await admin.post(recordAction('Tenant', tenant.tenantId, 'changeQuota')).send({ maxConcurrentJobs: '', maxVideoMinutesPerMonth: '' }).expect(200);
    expect((await t.db.getRepository(Tenant).findOneByOrFail({ id: tenant.tenantId })).quotaOverrides).toEqual({});
  });

  it('lets support revoke an API key: the key stops working', async () => {
    const other = await t.createTenant('Keyed', 'free');
    const key = await t.db.getRepository(ApiKey).findOneByOrFail({ tenantId: other.tenantId });
    await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${other.apiKey}`).expect(200);
    await support.post(recordAction('ApiKey', key.id, 'revokeKey')).send({}).expect(200);
    expect((await t.db.getRepository(ApiKey).findOneByOrFail({ id: key.id })).revokedAt).not.toBeNull();
    await request(t.server).get('/v1/jobs').set('Authorization', `Bearer ${other.apiKey}`).expect(401);
    const [audit] = await audits('revokeKey', key.id);
    expect(audit.before).toMatchObject({ revokedAt: null });
    expect(audit.after?.revokedAt).toEqual(expect.any(String));
    expect(JSON.stringify(audit)).not.toContain(key.hash); // secrets stay out of the log
  });

  it('support creates a password reset link for a customer: shown once, works once, audited without the token', async () => {
    const other = await t.createTenant('Locked Out', 'free');
    const user = await t.db.getRepository(User).save({ tenantId: other.tenantId, email: 'locked@acme.test', passwordHash: null });
    const res = await support.post(recordAction('User', user.id, 'passwordResetLink')).send({}).expect(200);
    expect(res.body.notice.type).toBe('success');
    const url = /(https?:\/\/\S+\/reset-password#token=[\w-]+)/.exec(res.body.notice.message)?.[1];
    expect(url).toBeDefined();
    expect(res.body.notice.message).toContain('locked@acme.test');
    const token = new URL(url as string).hash.replace('#token=', '');
    const set = await request(t.server).post('/v1/auth/password-reset').set('X-Requested-With', 'tally-portal').send({ token, password: 'a brand new passphrase' }).expect(200);
    expect(set.body.user.email).toBe('locked@acme.test');
    await request(t.server).post('/v1/auth/signin').set('X-Requested-With', 'tally-portal').send({ email: 'locked@acme.test', password: 'a brand new passphrase' }).expect(200);
    const [audit] = await audits('passwordResetLink', user.id);
    expect(audit).toMatchObject({ staffUserId: supportId, resource: 'User' });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('audits edits and deletions by an admin with the values before and after', async () => {
    const other = await t.createTenant('Renamed Ltd', 'free');
    await admin.post(recordAction('Tenant', other.tenantId, 'edit')).send({ name: 'Renamed Inc', planId: 'pro' }).expect(200);
    expect(await t.db.getRepository(Tenant).findOneByOrFail({ id: other.tenantId })).toMatchObject({ name: 'Renamed Inc', planId: 'pro' });
    const [edit] = await audits('edit', other.tenantId);
    expect(edit.before).toMatchObject({ name: 'Renamed Ltd', planId: 'free' });
    expect(edit.after).toMatchObject({ name: 'Renamed Inc', planId: 'pro' });
    expect(JSON.stringify(edit)).not.toContain('whsec_');

    const user = await t.db.getRepository(User).save({ tenantId: other.tenantId, email: 'gone@acme.test', passwordHash: null });
    await admin.post(recordAction('User', user.id, 'delete')).send({}).expect(200);
    expect(await t.db.getRepository(User).existsBy({ id: user.id })).toBe(false);
    const [deletion] = await audits('delete', user.id);
    expect(deletion).toMatchObject({ staffUserId: adminId, resource: 'User', after: null });
    expect(deletion.before).toMatchObject({ email: 'gone@acme.test' });
  });

  it('lets an admin create a staff account in the panel: the password is hashed, never stored or audited in clear', async () => {
    const form = { email: 'New.Support@Tally.test', password: 'another staff passphrase', role: 'support' };
    expect((await support.post('/admin/api/resources/StaffUser/actions/new').send(form)).status).toBe(403);
    const res = await admin.post('/admin/api/resources/StaffUser/actions/new').send(form).expect(200);
    expect(res.body.notice.type).toBe('success');
    const row = await t.db.getRepository(StaffUser).findOneByOrFail({ email: 'new.support@tally.test' });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(form.password, row.passwordHash)).toBe(true);
    const [audit] = await audits('new', row.id);
    expect(audit.after).toMatchObject({ email: 'new.support@tally.test', role: 'support' });
    expect(JSON.stringify(audit)).not.toContain(form.password);
    expect(JSON.stringify(audit)).not.toContain('scrypt$');
    // The new account signs in.
    await signIn(t.app, { email: 'new.support@tally.test', password: form.password });
    // A weak password is a field error, and nothing is created.
    const weak = await admin.post('/admin/api/resources/StaffUser/actions/new').send({ email: 'weak@tally.test', password: 'short', role: 'support' }).expect(200);
    expect(weak.body.record.errors.password.message).toMatch(/at least 10 characters/);
    expect(await t.db.getRepository(StaffUser).existsBy({ email: 'weak@tally.test' })).toBe(false);
  });

  it('lists every resource, filters jobs by tenant and status, and shows a job with its timings', async () => {
    for (const resource of ['Tenant', 'User', 'ApiKey', 'Plan', 'Job', 'Video', 'ReportRecord', 'UsageLedgerEntry', 'StaffUser', 'AuditLogEntry']) {
      const res = await support.get(`/admin/api/resources/${resource}/actions/list`);
      expect([resource, res.status]).toEqual([resource, 200]);
    }
    const list = await support.get(`/admin/api/resources/Job/actions/list?filters.tenantId=${tenant.tenantId}&filters.status=succeeded`).expect(200);
    expect(list.body.records.length).toBeGreaterThan(0);
    for (const r of list.body.records) expect(r.params).toMatchObject({ tenantId: tenant.tenantId, status: 'succeeded' });
    const show = await support.get(recordAction('Job', list.body.records[0].id, 'show')).expect(200);
    expect(Object.keys(show.body.record.params)).toEqual(expect.arrayContaining(['decodeMs', 'inferenceMs', 'fps', 'framesAnalysed', 'attempts', 'workerId', 'errorMessage']));
    // Read-only resources stay read-only, even for admins.
    for (const [resource, id] of [['AuditLogEntry', (await t.db.getRepository(AuditLogEntry).find({ take: 1 }))[0].id], ['Job', list.body.records[0].id]]) {
      expect((await admin.post(recordAction(resource, id, 'delete')).send({})).status).toBe(403);
      expect((await admin.post(recordAction(resource, id, 'edit')).send({ note: 'x' })).status).toBe(403);
    }
  });
});
