import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/analysis/errors.js';
import { run } from '../../src/cli/main.js';
import { readProfile, writeProfile } from '../../src/cost/profile.js';
import type { CostEstimate, CostInputs } from '../../src/cost/types.js';
import { fixturePrices, fixtureProfile } from './cost-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tally-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = ['cost', '--videos-per-burst', '100', '--duration', '30', '--fps', '120', '--deadline-minutes', '20'];

/** Runs the CLI in-process and collects what it writes to stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await run(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

async function json(args: string[]): Promise<CostEstimate & { inputs: CostInputs }> {
  const result = await cli([...args, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('tally cost', () => {
  it('answers the seed command from the built-in tables and says so; docs/cost.md shows the same figures', async () => {
    const out = await json([...SEED, '--gpu', 'a100-40gb']);
    expect(out.throughputSource.kind).toBe('table');
    expect(out.throughputSource.description).toMatch(/built-in table of published figures/);
    expect(out.warnings.join('\n')).toMatch(/built-in estimate of inference alone, not a measurement/);
    expect(typeof out.gpus).toBe('number');
    expect(typeof out.monthly?.total).toBe('number');
    expect(typeof out.costPerVideoMinute).toBe('number');
    expect(out.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['frames per video', 'GPUs', 'cost per video-minute']));
    // The documented example must match what the code prints today.
    const docs = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'cost.md'), 'utf8');
    const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(docs).toContain(`"gpus": ${out.gpus},`);
    expect(docs).toContain(`"total": ${out.monthly?.total}`);
    expect(docs).toContain(`"costPerVideoMinute": ${out.costPerVideoMinute},`);
    expect(docs).toContain(`| monthly total | ${money(out.monthly?.total ?? NaN)} |`);
  });

  it('reads back a profile written by writeProfile and says it used it', async () => {
    const file = path.join(dir, 'profiles', 'a100.json');
    writeProfile(file, fixtureProfile);
    expect(readProfile(file)).toEqual(fixtureProfile);
    const prices = path.join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify(fixturePrices));
    // No --gpu: it comes from the profile. With the fixture prices the totals are those computed by hand in cost.test.ts.
    const out = await json([...SEED, '--profile', file, '--price-table', prices]);
    expect(out.throughputSource.kind).toBe('profile');
    expect(out.throughputSource.description).toContain(file);
    expect(out.throughputSource.entry).toMatch(/measured: yolov5n 640x640 fp16 batch 8 on NVIDIA A100-SXM4-40GB/);
    expect(out.inputs.gpu).toBe('a100-40gb');
    expect(out.gpus).toBe(2);
    expect(out.monthly?.total).toBe(16_222.68);
    expect(out.priceTable.id).toBe('fixture');
  });

  it('takes inputs from a YAML config, flags winning', async () => {
    const config = path.join(dir, 'seed.yaml');
    writeFileSync(config, 'videos-per-burst: 100\nduration: 30\nfps: 120\ndeadlineMinutes: 20\ngpu: t4\nprofile: profiles/a100.json\n');
    writeProfile(path.join(dir, 'profiles', 'a100.json'), fixtureProfile);
    const out = await json(['cost', '--config', config, '--gpu', 'a100-40gb']);
    expect(out.inputs).toMatchObject({ videosPerBurst: 100, durationSeconds: 30, fps: 120, gpu: 'a100-40gb' });
    expect(out.throughputSource.kind).toBe('profile');
    expect(out.gpus).toBe(2);
  });

  it('prints a readable table with the source, steps, totals and sensitivity', async () => {
    const { code, stdout } = await cli([...SEED, '--format', 'table']);
    expect(code).toBe(0);
    for (const section of ['Throughput source: BUILT-IN ESTIMATE', 'Steps', 'Monthly line items', 'People', 'Totals', 'Sensitivity', 'cost per video-minute']) {
      expect(stdout).toContain(section);
    }
  });

  it('reports an impossible deadline as impossible, not as a number', async () => {
    const file = path.join(dir, 'slow.json');
    writeProfile(file, fixtureProfile);
    const out = await json([...SEED.slice(0, -2), '--deadline-minutes', '0.25', '--profile', file]);
    expect(out.feasible).toBe(false);
    expect(out.gpus).toBeNull();
    expect(out.impossible?.reason).toMatch(/longer than the 15 s deadline/);
    const table = await cli([...SEED.slice(0, -2), '--deadline-minutes', '0.25', '--profile', file, '--format', 'table']);
    expect(table.stdout).toMatch(/IMPOSSIBLE: one video alone takes 18 s/);
  });

  it.each([
    [['--gpu', 'v100'], /--gpu v100 is unknown/],
    [['--stride', '0'], /--stride must be ≥ 1, got 0/],
    [['--duration', '-30'], /--duration must be > 0, got -30/],
    [['--format', 'xml'], /--format xml is unknown: use json or table/],
  ])('exits 2 with one readable line for %j', async (extra, message) => {
    const { code, stdout, stderr } = await cli([...SEED, ...extra]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 naming a missing value', async () => {
    const { code, stderr } = await cli(['cost', '--videos-per-burst', '100', '--duration', '30']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing --fps/);
  });

  it('exits 2 on an unknown config key', async () => {
    const config = path.join(dir, 'typo.yaml');
    writeFileSync(config, 'videos-per-burst: 100\nduraton: 30\n');
    const { code, stderr } = await cli(['cost', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown key "duraton"/);
  });

  it('exits 3 with a clear line on a malformed profile', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...fixtureProfile, entries: [{ ...fixtureProfile.entries[0], inferenceFps: -1 }] }));
    const { code, stderr } = await cli([...SEED, '--profile', file]);
    expect(code).toBe(3);
    expect(stderr).toBe(`tally: profile ${file}: entries[0].inferenceFps must be a positive number, got -1\n`);
  });
});

describe('readProfile / writeProfile', () => {
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it.each([
    ['not JSON', '{ "version": 1,', /not valid JSON/],
    ['another version', JSON.stringify({ ...fixtureProfile, version: 2 }), /version must be 1, got 2/],
    ['no entries', JSON.stringify({ ...fixtureProfile, entries: [] }), /entries must be a non-empty array/],
    ['an unknown GPU', JSON.stringify({ ...fixtureProfile, gpu: 'v100' }), /gpu must be one of a100-40gb, .* or absent, got "v100"/],
    ['a bad precision', JSON.stringify({ ...fixtureProfile, entries: [{ ...fixtureProfile.entries[0], precision: 'int8' }] }), /entries\[0\]\.precision must be fp16 or fp32/],
    ['a bad provider', JSON.stringify({ ...fixtureProfile, provider: 'rocm' }), /provider must be one of cpu, cuda, tensorrt/],
  ])('rejects %s with the file and the field', (_what, text, message) => {
    const file = write('profile.json', text);
    expect(() => readProfile(file)).toThrow(InputError);
    expect(() => readProfile(file)).toThrow(message);
    expect(() => readProfile(file)).toThrow(`profile ${file}:`);
  });

  it('says when the file is missing', () => {
    expect(() => readProfile(path.join(dir, 'nope.json'))).toThrow(/profile .*nope.json: file not found/);
  });

  it('refuses to write an invalid profile', () => {
    const file = path.join(dir, 'never.json');
    expect(() => writeProfile(file, { ...fixtureProfile, device: '' })).toThrow(/device must be a non-empty string/);
  });
});
