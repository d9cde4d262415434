import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../analysis/errors.js';
import { GPU_TYPES, type GpuType, type Precision, type Throughput, type ThroughputLookup, type ThroughputSource } from './types.js';

/**
 * A throughput profile: what `tally bench --profile-out FILE` measured on one device, read back by
 * `tally cost --profile FILE`. All rates are frames per second:
 * - inferenceFps: analysed frames/s through the model alone (pre-processing and NMS excluded);
 * - decodeFps: decoded frames/s (decode reads every frame, whatever the analysis stride);
 * - pipelineFps: analysed frames/s end to end (decode, letterbox, inference, NMS, tracking), at stride 1.
 */
export interface ThroughputProfile {
  version: 1;
  /** ISO timestamp of the measurement. */
  createdAt: string;
  /** e.g. 'cpu: AMD EPYC 7B13 ×2' or 'NVIDIA A100-SXM4-40GB'. */
  device: string;
  /** A key of the GPU table when known, e.g. 'a100-40gb'; undefined for CPU or an unknown device. */
  gpu?: string;
  /** 'cpu' | 'cuda' | 'tensorrt'. */
  provider: string;
  entries: ProfileEntry[];
}

export interface ProfileEntry {
  model: string;
  inputWidth: number;
  inputHeight: number;
  batch: number;
  precision: 'fp32' | 'fp16';
  threads?: number;
  inferenceFps: number;
  pipelineFps?: number;
  decodeFps?: number;
}

const PROVIDERS = ['cpu', 'cuda', 'tensorrt'];

function bad(source: string, message: string): never {
  throw new InputError('invalid_profile', `profile ${source}: ${message}`);
}

function positive(obj: Record<string, unknown>, key: string, where: string, source: string, optional: boolean, integer = false): number | undefined {
  const value = obj[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    bad(source, `${where}.${key} must be a positive ${integer ? 'whole number' : 'number'}${optional ? ' or absent' : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmpty(obj: Record<string, unknown>, key: string, where: string, source: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') bad(source, `${where}.${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

/** Checks a parsed profile and returns it typed; throws InputError (code invalid_profile) naming the bad field. */
export function validateProfile(raw: unknown, source = 'profile'): ThroughputProfile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(source, 'must be a JSON object');
  const obj = raw as Record<string, unknown>;
  if (obj.version !== 1) bad(source, `version must be 1, got ${JSON.stringify(obj.version)}`);
  const createdAt = nonEmpty(obj, 'createdAt', 'profile', source);
  if (Number.isNaN(Date.parse(createdAt))) bad(source, `createdAt must be an ISO date, got ${JSON.stringify(createdAt)}`);
  const device = nonEmpty(obj, 'device', 'profile', source);
  const provider = nonEmpty(obj, 'provider', 'profile', source);
  if (!PROVIDERS.includes(provider)) bad(source, `provider must be one of ${PROVIDERS.join(', ')}, got ${JSON.stringify(provider)}`);
  let gpu: string | undefined;
  if (obj.gpu !== undefined && obj.gpu !== null) {
    if (typeof obj.gpu !== 'string' || !(GPU_TYPES as readonly string[]).includes(obj.gpu)) {
      bad(source, `gpu must be one of ${GPU_TYPES.join(', ')} or absent, got ${JSON.stringify(obj.gpu)}`);
    }
    gpu = obj.gpu;
  }
  if (!Array.isArray(obj.entries) || obj.entries.length === 0) bad(source, 'entries must be a non-empty array');
  const entries = obj.entries.map((e: unknown, i: number): ProfileEntry => {
    const where = `entries[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) bad(source, `${where} must be an object`);
    const entry = e as Record<string, unknown>;
    if (entry.precision !== 'fp16' && entry.precision !== 'fp32') bad(source, `${where}.precision must be fp16 or fp32, got ${JSON.stringify(entry.precision)}`);
    const out: ProfileEntry = {
      model: nonEmpty(entry, 'model', where, source),
      inputWidth: positive(entry, 'inputWidth', where, source, false, true)!,
      inputHeight: positive(entry, 'inputHeight', where, source, false, true)!,
      batch: positive(entry, 'batch', where, source, false, true)!,
      precision: entry.precision,
      inferenceFps: positive(entry, 'inferenceFps', where, source, false)!,
    };
    const threads = positive(entry, 'threads', where, source, true, true);
    const pipelineFps = positive(entry, 'pipelineFps', where, source, true);
    const decodeFps = positive(entry, 'decodeFps', where, source, true);
    if (threads !== undefined) out.threads = threads;
    if (pipelineFps !== undefined) out.pipelineFps = pipelineFps;
    if (decodeFps !== undefined) out.decodeFps = decodeFps;
    return out;
  });
  const profile: ThroughputProfile = { version: 1, createdAt, device, provider, entries };
  if (gpu !== undefined) profile.gpu = gpu;
  return profile;
}

/** Validates and writes a profile as pretty JSON, creating the folder if needed. */
export function writeProfile(file: string, profile: ThroughputProfile): void {
  const valid = validateProfile(profile, file);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(valid, null, 2)}\n`);
}

/** Reads and validates a profile; throws InputError (not_found or invalid_profile) with the file and field. */
export function readProfile(file: string): ThroughputProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('not_found', `profile ${file}: file not found`);
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    bad(file, `not valid JSON (${(err as Error).message})`);
  }
  return validateProfile(raw, file);
}

/** The slowest known stage of an entry: what bounds a single stream at stride 1. */
function effectiveFps(e: ProfileEntry): number {
  return Math.min(e.inferenceFps, e.pipelineFps ?? Infinity, e.decodeFps ?? Infinity);
}

function describeEntry(e: ProfileEntry): string {
  return `${e.model} ${e.inputWidth}x${e.inputHeight} ${e.precision} batch ${e.batch}${e.threads ? ` threads ${e.threads}` : ''}`;
}

/** The GPU-table key the profile was measured on: its `gpu`, 'cpu' for the CPU provider, else unknown. */
export function profileGpu(profile: ThroughputProfile): GpuType | undefined {
  if (profile.gpu) return profile.gpu as GpuType;
  return profile.provider === 'cpu' ? 'cpu' : undefined;
}

/**
 * Throughput from a measured profile. The best entry is the one with the same model, input size and
 * precision and the highest rate of its slowest stage (several batch sizes or thread counts may be measured).
 */
export function profileThroughput(profile: ThroughputProfile, file: string): ThroughputSource {
  const measuredOn = profileGpu(profile);
  return {
    kind: 'profile',
    description: `measured profile ${file}: ${profile.device} (${profile.provider}), ${profile.createdAt}`,
    lookup: ({ model, inputWidth, inputHeight, precision, gpu }): ThroughputLookup => {
      if (measuredOn !== undefined && measuredOn !== gpu) {
        return { ok: false, reason: `profile ${file} was measured on ${profile.device} (${measuredOn}), not on ${gpu}; pass --gpu ${measuredOn} or a profile measured on ${gpu}` };
      }
      const matches = profile.entries.filter(
        (e) => e.model === model && e.inputWidth === inputWidth && e.inputHeight === inputHeight && e.precision === (precision as Precision),
      );
      if (matches.length === 0) {
        return {
          ok: false,
          reason: `profile ${file} has no entry for ${model} ${inputWidth}x${inputHeight} ${precision} (it has: ${profile.entries.map(describeEntry).join('; ')})`,
        };
      }
      const best = matches.reduce((a, b) => (effectiveFps(b) > effectiveFps(a) ? b : a));
      const throughput: Throughput = {
        inferenceFps: best.inferenceFps,
        batch: best.batch,
        description: `measured: ${describeEntry(best)} on ${profile.device}${measuredOn === undefined ? ` (device not in the GPU table, applied to ${gpu} as measured)` : ''}`,
      };
      if (best.decodeFps !== undefined) throughput.decodeFps = best.decodeFps;
      if (best.pipelineFps !== undefined) throughput.pipelineFps = best.pipelineFps;
      return { ok: true, throughput };
    },
  };
}
