import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditLogEntry } from '../../src/admin/audit-log.entity.js';
import { STAFF_LOGIN_MAX_FAILURES } from '../../src/admin/staff-auth.service.js';
import { StaffUser } from '../../src/admin/staff-user.entity.js';
import { createStaff, postLogin, signIn, startAdminApp, type StaffLogin } from '../support/admin.js';
import type { TestApp } from '../support/app.js';

describe('admin panel sign-in', () => {
  let t: TestApp;
  let support: StaffLogin;

  beforeAll(async () => {
    t = await startAdminApp('admin_auth');
    support = await createStaff(t.db, 'support');
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['/admin', '/admin/resources/Job', '/admin/queues', '/admin/queues/api/queues'])('%s redirects to the login page without a session', async (path) => {
    const res = await request(t.server).get(path);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/admin/login');
  });

  it('answers 401 on /v1/admin without a staff session, and ignores API keys there', async () => {
    const { apiKey } = await t.createTenant('Acme');
    for (const auth of [{}, { Authorization: `Bearer ${apiKey}` }]) {
      const res = await request(t.server).get('/v1/admin/economics').set(auth);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('staff_session_required');
    }
  });

  it('shows the login page', async () => {
    const res = await request(t.server).get('/admin/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html');
  });

  it('lets the right password in: session cookie httpOnly and sameSite=lax; panel, queues and economics open', async () => {
    const agent = request.agent(t.server);
    const res = await postLogin(agent, support.email.toUpperCase(), support.password);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/admin');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('tally_staff='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // only in production
    expect((await agent.get('/admin')).status).toBe(200);
    const queues = await agent.get('/admin/queues');
    expect(queues.status).toBe(200);
    expect(queues.text).toMatch(/bull|queues/i);
    expect((await agent.get('/admin/queues/api/queues')).body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['analysis', 'maintenance', 'webhooks']);
    expect((await agent.get('/v1/admin/economics')).status).toBe(200);
    const row = await t.db.getRepository(StaffUser).findOneByOrFail({ id: support.id });
    expect(row.lastLoginAt).not.toBeNull();
    const audit = await t.db.getRepository(AuditLogEntry).findOneByOrFail({ staffUserId: support.id, action: 'login' });
    expect(audit.resource).toBe('session');
  });

  it('keeps a wrong password out', async () => {
    const agent = request.agent(t.server);
    const res = await postLogin(agent, support.email, 'not the password at all', '10.0.0.2');
    expect(res.status).toBe(200); // AdminJS renders the login page again with its error
    expect(res.text).toContain('invalidCredentials');
    expect((await agent.get('/admin')).headers.location).toBe('/admin/login');
    expect((await postLogin(request.agent(t.server), 'nobody@tally.test', support.password)).text).toContain('invalidCredentials');
  });

  it(`refuses even the right password after ${STAFF_LOGIN_MAX_FAILURES} failures from one email and IP, but not from another IP`, async () => {
    const staff = await createStaff(t.db, 'admin');
    t.app.getHttpAdapter().getInstance().set('trust proxy', true);
    for (let i = 0; i < STAFF_LOGIN_MAX_FAILURES; i++) {
      expect((await postLogin(request.agent(t.server), staff.email, `wrong ${i}`, '10.9.9.9')).text).toContain('invalidCredentials');
    }
    const agent = request.agent(t.server);
    const blocked = await postLogin(agent, staff.email, staff.password, '10.9.9.9');
    expect(blocked.status).toBe(400);
    expect(blocked.text).toContain('Too many failed sign-ins');
    expect((await agent.get('/admin')).headers.location).toBe('/admin/login');
    // Another address is not blocked by this one's failures.
    expect((await postLogin(request.agent(t.server), staff.email, staff.password, '10.9.9.10')).headers.location).toBe('/admin');
    t.app.getHttpAdapter().getInstance().set('trust proxy', false);
  });

  it('refuses a disabled account, and ends its open session', async () => {
    const staff = await createStaff(t.db, 'support');
    const agent = await signIn(t.app, staff);
    await t.db.getRepository(StaffUser).update({ id: staff.id }, { disabledAt: new Date() });
    await new Promise((r) => setTimeout(r, 5_100)); // the panel re-reads the staff row every 5 s
    expect((await agent.get('/admin')).headers.location).toBe('/admin/login');
    expect((await agent.get('/v1/admin/economics')).status).toBe(401);
    expect((await postLogin(request.agent(t.server), staff.email, staff.password)).text).toContain('invalidCredentials');
  });

  it('refuses API calls and form posts that a browser says come from another site', async () => {
    const agent = await signIn(t.app, support);
    const res = await agent.get('/admin/api/resources/Job/actions/list').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site_request');
    expect((await agent.post('/admin/login').set('Sec-Fetch-Site', 'cross-site').type('form').send({ email: support.email, password: support.password })).status).toBe(403);
    expect((await agent.get('/admin/api/resources/Job/actions/list').set('Sec-Fetch-Site', 'same-origin')).status).toBe(200);
    // The panel is not framed elsewhere.
    expect((await agent.get('/admin')).headers['x-frame-options']).toBe('DENY');
  });

  it('signs out', async () => {
    const agent = await signIn(t.app, support);
    expect((await agent.get('/admin/logout')).status).toBe(302);
    expect((await agent.get('/admin')).headers.location).toBe('/admin/login');
  });
});
