/** `tally analyze` through the CLI: formats, exit codes and one readable line for bad input. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { modelPath, sharedVideo } from '../support/paths.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tally-cli-'));
  writeFileSync(path.join(dir, 'empty.mp4'), '');
  writeFileSync(path.join(dir, 'text.mp4'), 'this is not a video\n'.repeat(100));
  const bus = readFileSync(sharedVideo('bus-pan-720p120-3s.mp4'));
  writeFileSync(path.join(dir, 'truncated.mp4'), bus.subarray(0, Math.floor(bus.length / 2)));
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-y', path.join(dir, 'audio.m4a')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const analyze = (file: string, ...extra: string[]) => runCli(['analyze', file, '--model', modelPath, '--threads', '2', ...extra]);

describe('tally analyze: bad input', () => {
  it.each([
    ['missing.mp4', /does not exist/],
    ['empty.mp4', /empty/],
    ['text.mp4', /not a video/],
    ['truncated.mp4', /truncated/],
    ['audio.m4a', /no video stream/],
  ])('%s → exit 3 and one line', async (file, message) => {
    const res = await analyze(path.join(dir, file));
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    const lines = res.stderr.trim().split('\n').filter((l) => !/^\(node:\d+\)|^\(Use `node/.test(l)); // Node's own warnings
    expect(lines).toEqual([expect.stringMatching(/^tally: /)]);
  });

  it('bad usage → exit 2', async () => {
    expect((await runCli(['analyze'])).code).toBe(2);
    expect((await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--stride', '0')).code).toBe(2);
    expect((await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--stride', '2', '--analysis-fps', '10')).code).toBe(2);
    expect((await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--format', 'xml')).code).toBe(2);
  });
});

describe('tally analyze: output formats', () => {
  it('writes JSON and CSV of the same objects', async () => {
    const out = path.join(dir, 'report.json');
    const json = await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--analysis-fps', '15', '--format', 'json', '--out', out);
    expect(json.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.analysis.stride).toBe(8); // 120 fps / 15
    const csv = await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--stride', '8', '--format', 'csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,class,class_id,first_sec,last_sec,frames,max_conf,best_frame,best_time_sec,x1,y1,x2,y2');
    expect(lines).toHaveLength(report.objects.length + 1);
    const table = await analyze(sharedVideo('bus-pan-720p120-3s.mp4'), '--stride', '8', '--format', 'table');
    expect(table.stdout).toMatch(/^class\s+unique\s+peak/m);
    expect(table.stdout).toMatch(/^bus\s+1\s+1$/m);
  });
});
