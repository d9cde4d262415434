import { describe, expect, it } from '@jest/globals';
import { fileProblem } from '../../portal/src/upload-checks.js';
import { parseCookies, sessionCookie } from '../../src/portal/cookies.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/portal/passwords.js';
import { checkCsrf } from '../../src/portal/portal-sessions.js';
import { isAppRoute, isAssetPath, isReservedPath, portalCsp, portalDir } from '../../src/portal/portal-static.js';
import { cropWindow, thumbnailArgs } from '../../src/portal/thumbnail-args.js';

describe('password rules', () => {
  it.each([
    ['short1', 'the password must have at least 10 characters'],
    ['12345678901', 'the password cannot be only digits'],
    ['aaaaaaaaaaaa', 'the password needs at least 4 different characters'],
    ['Password123', 'this password is too common: choose another'],
    ['xxgracehopper1', 'the password cannot contain your email address'],
    ['correct horse battery', null],
  ])('%s → %s', (password, problem) => {
    expect(passwordProblem(password, 'gracehopper@example.com')).toBe(problem);
  });

  it('hashes with a salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterz', a)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});

describe('cookies and CSRF', () => {
  it('parses a Cookie header (first occurrence wins) and writes an HttpOnly SameSite=Strict session cookie', () => {
    expect(parseCookies('a=1; tally_portal=abc; a=2;bad; =x')).toEqual(new Map([['a', '1'], ['tally_portal', 'abc']]));
    expect(parseCookies(undefined).size).toBe(0);
    expect(sessionCookie('tok', 60, false)).toBe('tally_portal=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
    expect(sessionCookie('', 0, true)).toBe('tally_portal=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
  });

  it('needs X-Requested-With, and an Origin (when sent) of this host', () => {
    const h = (headers: Record<string, string>) => () => checkCsrf({ headers: { host: 'tally.example:3000', ...headers } });
    expect(h({})).toThrow(/X-Requested-With/);
    expect(h({ 'x-requested-with': 'tally-portal' })).not.toThrow();
    expect(h({ 'x-requested-with': 'x', origin: 'http://tally.example:3000' })).not.toThrow();
    expect(h({ 'x-requested-with': 'x', origin: 'https://evil.example' })).toThrow(/cross-site/);
    expect(h({ 'x-requested-with': 'x', origin: 'null' })).toThrow(/cross-site/);
  });
});

describe('static serving rules', () => {
  it.each([
    ['/', false, true, false],
    ['/signin', false, true, false],
    ['/keys', false, true, false],
    ['/jobs/0b7e0e5e-8a57-4e2a-9d0b-5a3c0e7f1a11', false, true, false],
    ['/jobs/nope', false, false, false],
    ['/nope', false, false, false],
    ['/assets/index-abc.js', false, false, true],
    ['/favicon.svg', false, false, true],
    ['/v1/jobs', true, false, false],
    ['/v1/jobs/x/objects/1/thumbnail.jpg', true, false, false],
    ['/admin', true, false, false],
    ['/admin/resources/tenants', true, false, false],
    ['/docs', true, false, false],
    ['/docs-json', true, false, false],
    ['/metrics', true, false, false],
    ['/healthz', true, false, false],
    ['/readyz', true, false, false],
  ])('%s: reserved %s, app route %s, asset %s', (p, reserved, app, asset) => {
    expect(isReservedPath(p)).toBe(reserved);
    expect(isAppRoute(p)).toBe(app);
    expect(isAssetPath(p)).toBe(asset);
  });

  it('finds dist/portal from compiled code and from sources; CSP allows the bucket only with GCS', () => {
    expect(portalDir({ portalDir: '' }, '/app/dist/src/portal')).toBe('/app/dist/portal');
    expect(portalDir({ portalDir: '' }, '/repo/src/portal')).toBe('/repo/dist/portal');
    expect(portalDir({ portalDir: '/srv/portal' }, '/x')).toBe('/srv/portal');
    expect(portalCsp({ storage: 'local', gcsApiEndpoint: '' })).toContain("connect-src 'self';");
    expect(portalCsp({ storage: 'gcs', gcsApiEndpoint: '' })).toContain("connect-src 'self' https://storage.googleapis.com;");
    expect(portalCsp({ storage: 'gcs', gcsApiEndpoint: 'http://127.0.0.1:4443/x' })).toContain("connect-src 'self' http://127.0.0.1:4443;");
  });
});

describe('thumbnail ffmpeg arguments', () => {
  it('crops 16:9 around the box (half its longer side of context), at least a quarter of the frame, inside it, in even pixels', () => {
    // A 40×120 person in a 1280×720 frame: 240 px tall with context → 426×240, centred on the box.
    expect(cropWindow([600, 300, 640, 420], 1280, 720)).toEqual({ x: 406, y: 240, w: 426, h: 240 });
    // A small box near the corner: a quarter of the frame wide (160 → 176 for the height with context), pushed inside.
    expect(cropWindow([0, 0, 50, 50], 640, 480)).toEqual({ x: 0, y: 0, w: 176, h: 100 });
    // Bigger than the frame: the whole (4:3) frame.
    expect(cropWindow([10, 10, 630, 470], 640, 480)).toEqual({ x: 0, y: 0, w: 640, h: 480 });
  });

  it('seeks half a frame early, takes one frame, draws the box, crops and scales to 320 px', () => {
    const args = thumbnailArgs('in.mp4', 'out.jpg', { timeSec: 1, box: [600.4, 300, 640, 420], video: { width: 1280, height: 720, fps: 120 } });
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 2)).toEqual(['-ss', '0.9958']);
    expect(args).toContain('-frames:v');
    expect(args[args.indexOf('-vf') + 1]).toBe('drawbox=x=600:y=300:w=40:h=120:color=yellow@0.9:t=4,crop=426:240:406:240,scale=320:-2');
    expect(args.at(-1)).toBe('out.jpg');
  });
});

describe('client-side upload checks', () => {
  const MB = 1_000_000;
  it.each([
    [{ name: 'a.mp4', size: 5 * MB, type: 'video/mp4' }, null],
    [{ name: 'A.MOV', size: 5 * MB, type: '' }, null],
    [{ name: 'clip', size: 5 * MB, type: 'video/webm' }, null],
    [{ name: 'notes.txt', size: 10, type: 'text/plain' }, 'notes.txt is not a video file (text/plain): upload MP4, MOV, MKV, WebM or AVI'],
    [{ name: 'song.m4a', size: 10, type: 'audio/mp4' }, 'song.m4a is not a video file (audio/mp4): upload MP4, MOV, MKV, WebM or AVI'],
    [{ name: 'empty.mp4', size: 0, type: 'video/mp4' }, 'empty.mp4 is empty'],
    [{ name: 'big.mp4', size: 12_500_000, type: 'video/mp4' }, "big.mp4 is 12.5 MB, over your plan's limit of 10 MB per video"],
  ])('%o → %s', (file, problem) => {
    expect(fileProblem(file, 10 * MB)).toBe(problem);
  });
});
