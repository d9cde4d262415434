/**
 * Password changes for portal users: reset links issued by support (single use, one hour, newest only), the
 * signed-in change, and sessions older than a change ending — over the real HTTP API, Postgres and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PasswordResetsService } from '../../src/users/password-resets.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';
import { cookieFrom } from '../support/portal.js';

const XRW = { 'X-Requested-With': 'tally-portal' };
const FIRST = 'first long passphrase';
const SECOND = 'second long passphrase';
const THIRD = 'third long passphrase';

let t: TestApp;
let resets: PasswordResetsService;

beforeAll(async () => {
  t = await startTestApp('password_reset', { TALLY_LOGIN_MAX_FAILURES: '5', TALLY_PUBLIC_URL: 'https://tally.example' });
  resets = t.app.get(PasswordResetsService);
});
afterAll(async () => t?.close());

async function signUp(email: string): Promise<{ cookie: string; userId: string }> {
  const res = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email, password: FIRST, company: 'Acme' }).expect(201);
  return { cookie: cookieFrom(res.headers['set-cookie']), userId: res.body.user.id };
}
const signIn = (email: string, password: string) => request(t.server).post('/v1/auth/signin').set(XRW).send({ email, password });
const me = (cookie: string) => request(t.server).get('/v1/auth/me').set('Cookie', cookie);
const tokenOf = (url: string) => new URL(url).hash.replace('#token=', '');
const settle = () => new Promise((r) => setTimeout(r, 5100)); // sessions are cached 5 s per process

describe('reset links', () => {
  it('a link sets a new password once, signs in, and ends the sessions from before', async () => {
    const { cookie, userId } = await signUp('reset@acme.example');
    const link = await resets.createLink(userId, 'support@tally.example');
    expect(link.url).toMatch(/^https:\/\/tally\.example\/reset-password#token=[\w-]{43}$/);
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    // Only the hash is stored.
    const [row] = await t.db.query('SELECT token_hash, created_by FROM password_reset_tokens WHERE user_id = $1', [userId]);
    expect(row.token_hash).not.toContain(tokenOf(link.url));
    expect(row.created_by).toBe('support@tally.example');

    const weak = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(link.url), password: '12345' }).expect(400);
    expect(weak.body.error).toEqual({ code: 'weak_password', message: 'the password must have at least 10 characters' });
    const ok = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(link.url), password: SECOND }).expect(200);
    expect(ok.body.user.email).toBe('reset@acme.example');
    const fresh = cookieFrom(ok.headers['set-cookie']);
    await me(fresh).expect(200);

    const again = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(link.url), password: THIRD }).expect(400);
    expect(again.body.error.code).toBe('reset_link_invalid');
    await settle();
    expect((await me(cookie)).status).toBe(401); // the session from before the reset is over
    await me(fresh).expect(200);
    expect((await signIn('reset@acme.example', FIRST)).status).toBe(401);
    await signIn('reset@acme.example', SECOND).expect(200);
  }, 30_000);

  it('refuses expired, replaced and made-up tokens, without the CSRF header too', async () => {
    const { userId } = await signUp('expired@acme.example');
    const old = await resets.createLink(userId, 'support@tally.example');
    const newer = await resets.createLink(userId, 'support@tally.example');
    const replaced = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(old.url), password: SECOND }).expect(400);
    expect(replaced.body.error.message).toMatch(/ask support for a new one/);
    await t.db.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [userId]);
    await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(newer.url), password: SECOND }).expect(400);
    await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: 'x'.repeat(43), password: SECOND }).expect(400);
    await request(t.server).post('/v1/auth/password-reset').send({ token: tokenOf(newer.url), password: SECOND }).expect(403);
    await signIn('expired@acme.example', FIRST).expect(200); // nothing changed
  });

  it('throttles guessing from one address', async () => {
    for (let i = 0; i < 30; i++) await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: `guess${i}`.padEnd(43, 'x'), password: SECOND });
    const res = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: 'y'.repeat(43), password: SECOND }).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe('changing the password while signed in', () => {
  it('needs the current password, keeps this session, ends the others', async () => {
    const { cookie } = await signUp('change@acme.example');
    const other = cookieFrom((await signIn('change@acme.example', FIRST).expect(200)).headers['set-cookie']);
    const wrong = await request(t.server).post('/v1/auth/password').set(XRW).set('Cookie', cookie).send({ currentPassword: 'not it at all', newPassword: SECOND }).expect(401);
    expect(wrong.body.error.message).toBe('the current password is wrong');
    const same = await request(t.server).post('/v1/auth/password').set(XRW).set('Cookie', cookie).send({ currentPassword: FIRST, newPassword: FIRST }).expect(400);
    expect(same.body.error.code).toBe('weak_password');
    await request(t.server).post('/v1/auth/password').set(XRW).send({ currentPassword: FIRST, newPassword: SECOND }).expect(401); // not signed in
    const ok = await request(t.server).post('/v1/auth/password').set(XRW).set('Cookie', cookie).send({ currentPassword: FIRST, newPassword: SECOND }).expect(204);
    const renewed = cookieFrom(ok.headers['set-cookie']);
    await settle();
    await me(renewed).expect(200);
    expect((await me(other)).status).toBe(401);
    expect((await me(cookie)).status).toBe(401);
    await signIn('change@acme.example', SECOND).expect(200);
  }, 30_000);
});

describe('reset links by mail (self-service)', () => {
  let m: TestApp;
  let smtp: FakeSmtp;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
    m = await startTestApp('password_reset_mail', { TALLY_SMTP_URL: smtp.url, TALLY_MAIL_FROM: 'Tally <no-reply@tally.example>', TALLY_PUBLIC_URL: 'https://tally.example' });
  });
  afterAll(async () => {
    await m?.close();
    await smtp?.close();
  });
  const ask = (app: TestApp, email: string) => request(app.server).post('/v1/auth/password-reset-request').set(XRW).send({ email });

  it('is refused with the way out when this Tally sends no mail', async () => {
    const res = await ask(t, 'someone@acme.example').expect(501);
    expect(res.body.error).toEqual({ code: 'password_reset_by_email_unavailable', message: 'this Tally sends no mail: ask support for a password reset link' });
  });

  it('mails a working link to an account; answers the same for an unknown address and mails nothing', async () => {
    await request(m.server).post('/v1/auth/signup').set(XRW).send({ email: 'Mail.Me@acme.example', password: FIRST, company: 'Acme' }).expect(201);
    const known = await ask(m, 'mail.me@ACME.example').expect(202);
    const unknown = await ask(m, 'nobody@acme.example').expect(202);
    expect(unknown.body).toEqual(known.body);
    const mail = await smtp.next('mail.me@acme.example');
    expect(mail.subject).toBe('Reset your Tally password');
    expect(mail.from).toBe('no-reply@tally.example');
    const url = /https:\/\/tally\.example\/reset-password#token=[\w-]+/.exec(mail.text)?.[0];
    expect(url).toBeDefined();
    expect(mail.html).toContain(`href="${url}"`);
    await request(m.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(url as string), password: SECOND }).expect(200);
    await request(m.server).post('/v1/auth/signin').set(XRW).send({ email: 'mail.me@acme.example', password: SECOND }).expect(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.filter((x) => x.to.includes('nobody@acme.example'))).toEqual([]);
  });

  it('sends one address at most three mails per quarter hour', async () => {
    for (let i = 0; i < 3; i++) await ask(m, 'flood@acme.example').expect(202);
    const res = await ask(m, 'flood@acme.example').expect(429);
    expect(res.body.error.code).toBe('too_many_reset_requests');
    await ask(m, 'other@acme.example').expect(202); // others are not held up
  });
});
