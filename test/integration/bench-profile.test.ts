/**
 * `tally bench --profile-out` measures this machine and writes a throughput profile that
 * `tally cost --profile` reads back: the cost estimate then rests on a measurement, not a table.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProfile } from '../../src/cost/profile.js';
import { runCli } from '../support/cli.js';
import { modelPath, sharedVideo } from '../support/paths.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tally-bench-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tally bench → tally cost', () => {
  it('writes a measured profile that the estimator uses', async () => {
    const profile = path.join(dir, 'profile.json');
    const bench = await runCli(['bench', '--video', sharedVideo('bus-pan-720p120-3s.mp4'), '--model', modelPath, '--threads', '2', '--runs', '4', '--format', 'json', '--profile-out', profile]);
    expect(bench.code).toBe(0);
    const measured = JSON.parse(bench.stdout);
    expect(measured.bare.fps).toBeGreaterThan(0);
    expect(measured.pipeline.framesAnalysed).toBe(360);
    expect(measured.ratio).toBeCloseTo(measured.pipeline.fps / measured.bare.fps, 2);

    const written = readProfile(profile);
    expect(written).toMatchObject({ version: 1, provider: 'cpu' });
    expect(written.entries[0]).toMatchObject({ model: 'yolov5n', inputWidth: 640, inputHeight: 640, batch: 1, precision: 'fp32' });
    expect(written.entries[0].inferenceFps).toBeCloseTo(measured.bare.fps, 6);
    expect(written.entries[0].pipelineFps).toBeCloseTo(measured.pipeline.fps, 6);

    const cost = await runCli(['cost', '--videos-per-burst', '10', '--duration', '3', '--fps', '120', '--deadline-minutes', '20', '--gpu', 'cpu', '--precision', 'fp32', '--profile', profile, '--format', 'json']);
    expect(cost.stderr).toBe('');
    expect(cost.code).toBe(0);
    const estimate = JSON.parse(cost.stdout);
    expect(estimate.throughputSource.kind).toBe('profile');
    expect(estimate.throughputSource.description).toContain(profile);
    // The slowest measured stage bounds each video: 360 frames at the measured end-to-end rate
    // (the estimate prints seconds to 4 decimals, hence the half-unit slack).
    expect(estimate.throughput.perVideoSeconds).toBeGreaterThanOrEqual(360 / measured.bare.fps - 5e-5);
    expect(estimate.gpus).toBeGreaterThanOrEqual(1);
  });
});
