/**
 * A tenant's team: members invite others by email; an invitee sets a password with the link and signs in to
 * the same jobs; a removed member's sessions end. Without outgoing mail the link comes back once to the inviter.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';
import { cookieFrom } from '../support/portal.js';

const XRW = { 'X-Requested-With': 'tally-portal' };
const PASSWORD = 'a long enough passphrase';

let t: TestApp;
let smtp: FakeSmtp;
let mailing: TestApp;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  [t, mailing] = await Promise.all([
    startTestApp('team', { TALLY_PUBLIC_URL: 'https://tally.example' }),
    startTestApp('team_mail', { TALLY_PUBLIC_URL: 'https://tally.example', TALLY_SMTP_URL: smtp.url }),
  ]);
});
afterAll(async () => {
  await Promise.all([t?.close(), mailing?.close()]);
  await smtp?.close();
});

async function signUp(app: TestApp, email: string): Promise<{ cookie: string; apiKey: string; userId: string }> {
  const res = await request(app.server).post('/v1/auth/signup').set(XRW).send({ email, password: PASSWORD, company: 'Team Co' }).expect(201);
  return { cookie: cookieFrom(res.headers['set-cookie']), apiKey: res.body.apiKey, userId: res.body.user.id };
}
const tokenOf = (url: string) => new URL(url).hash.replace('#token=', '');

it('invites a colleague who sets a password, signs in to the same jobs, and is removed again', async () => {
  const owner = await signUp(t, 'owner@team.example');
  const invite = await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', owner.cookie).send({ email: 'Colleague@Team.example' }).expect(201);
  expect(invite.body).toMatchObject({ member: { email: 'colleague@team.example', pending: true }, mailed: false });
  expect(invite.body.link).toMatch(/^https:\/\/tally\.example\/reset-password#token=/);
  expect(new Date(invite.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  const set = await request(t.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(invite.body.link), password: 'another good passphrase' }).expect(200);
  expect(set.body.tenant.id).toBe((await request(t.server).get('/v1/auth/me').set('Cookie', owner.cookie).expect(200)).body.tenant.id);
  const colleague = cookieFrom(set.headers['set-cookie']);

  const team = await request(t.server).get('/v1/team').set('Authorization', `Bearer ${owner.apiKey}`).expect(200);
  expect(team.body.members.map((m: { email: string; pending: boolean }) => [m.email, m.pending])).toEqual([
    ['owner@team.example', false],
    ['colleague@team.example', false],
  ]);
  await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', colleague).send({ email: 'owner@team.example' }).expect(409);
  await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', colleague).send({ email: 'not an email' }).expect(400);

  // Another tenant sees none of them and can remove none of them.
  const other = await signUp(t, 'other@else.example');
  const colleagueId = team.body.members[1].id as string;
  expect((await request(t.server).get('/v1/team').set('Cookie', other.cookie).expect(200)).body.members).toHaveLength(1);
  await request(t.server).delete(`/v1/team/members/${colleagueId}`).set(XRW).set('Cookie', other.cookie).expect(404);

  const self = await request(t.server).delete(`/v1/team/members/${owner.userId}`).set(XRW).set('Cookie', owner.cookie).expect(400);
  expect(self.body.error.code).toBe('cannot_remove_self');
  await request(t.server).delete(`/v1/team/members/${colleagueId}`).set(XRW).set('Cookie', owner.cookie).expect(204);
  await new Promise((r) => setTimeout(r, 5100)); // sessions are cached 5 s per process
  await request(t.server).get('/v1/auth/me').set('Cookie', colleague).expect(401);
  await request(t.server).post('/v1/auth/signin').set(XRW).send({ email: 'colleague@team.example', password: 'another good passphrase' }).expect(401);
}, 30_000);

it('mails the invitation when Tally sends mail, and returns no link', async () => {
  const owner = await signUp(mailing, 'boss@mail.example');
  const invite = await request(mailing.server).post('/v1/team/members').set(XRW).set('Cookie', owner.cookie).send({ email: 'new@mail.example' }).expect(201);
  expect(invite.body.mailed).toBe(true);
  expect(invite.body.link).toBeUndefined();
  const mail = await smtp.next('new@mail.example');
  expect(mail.subject).toBe('boss@mail.example invited you to Team Co on Tally');
  const link = /https:\/\/tally\.example\/reset-password#token=[\w-]+/.exec(mail.text)?.[0] ?? '';
  await request(mailing.server).post('/v1/auth/password-reset').set(XRW).send({ token: tokenOf(link), password: 'newcomer passphrase' }).expect(200);
});

it('an invitation nobody accepted does not keep its address from signing up once its link has lapsed', async () => {
  const owner = await signUp(t, 'squatter@team.example');
  await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', owner.cookie).send({ email: 'victim@own.example' }).expect(201);
  // While the link is valid the address is taken…
  await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'victim@own.example', password: PASSWORD, company: 'Own Co' }).expect(409);
  // …once it has lapsed (7 days), the person signs up with their own organisation.
  await t.db.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = 'victim@own.example')`);
  const res = await request(t.server).post('/v1/auth/signup').set(XRW).send({ email: 'victim@own.example', password: PASSWORD, company: 'Own Co' }).expect(201);
  expect(res.body.tenant.name).toBe('Own Co');
  expect((await request(t.server).get('/v1/team').set('Cookie', owner.cookie).expect(200)).body.members).toHaveLength(1);
});

it('sends at most 25 invitations a day per organisation', async () => {
  const owner = await signUp(t, 'inviter@many.example');
  for (let i = 0; i < 25; i++) await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', owner.cookie).send({ email: `guest${i}@many.example` }).expect(201);
  const res = await request(t.server).post('/v1/team/members').set(XRW).set('Cookie', owner.cookie).send({ email: 'one.more@many.example' }).expect(429);
  expect(res.body.error.code).toBe('too_many_invitations');
});
