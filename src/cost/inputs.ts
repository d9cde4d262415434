import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { UsageError } from '../analysis/errors.js';
import { GPU_TYPES, PRECISIONS, type CostInputs, type GpuType, type Precision } from './types.js';

type Kind = 'int' | 'number' | 'model' | 'size' | 'gpu' | 'precision';

/** One input: its flag, what it means (with units), how it is checked and its default (the seed scenario). */
export interface InputSpec {
  key: keyof CostInputs | 'inputSize';
  flag: string;
  kind: Kind;
  description: string;
  /** Inclusive lower bound, or exclusive when `above` is set. */
  min?: number;
  above?: number;
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
  required?: boolean;
  fallback?: number | string;
}

export const INPUT_SPECS: InputSpec[] = [
  { key: 'videosPerBurst', flag: 'videos-per-burst', kind: 'int', min: 0, required: true, description: 'videos submitted at once at the peak (seed: 100)' },
  { key: 'videosPerDay', flag: 'videos-per-day', kind: 'int', min: 0, description: 'videos a day, at least the burst (default: the burst, i.e. one burst a day)' },
  { key: 'durationSeconds', flag: 'duration', kind: 'number', above: 0, required: true, description: 'video length in seconds (seed: 30)' },
  { key: 'fps', flag: 'fps', kind: 'number', above: 0, required: true, description: 'video frame rate (seed: 120)' },
  { key: 'stride', flag: 'stride', kind: 'int', min: 1, fallback: 1, description: 'analyse every Nth frame' },
  { key: 'deadlineMinutes', flag: 'deadline-minutes', kind: 'number', above: 0, fallback: 20, description: 'the promise: minutes from burst to last report' },
  { key: 'concurrentUsers', flag: 'concurrent-users', kind: 'int', min: 0, fallback: 1000, description: 'users on the portal/API at once' },
  { key: 'usersPerAppVm', flag: 'users-per-app-vm', kind: 'int', min: 1, fallback: 500, description: 'concurrent users one app VM serves (assumption)' },
  { key: 'model', flag: 'model', kind: 'model', fallback: 'yolov5n', description: 'model name as in the profile or table (yolov5n, yolov5s)' },
  { key: 'inputSize', flag: 'input-size', kind: 'size', fallback: '640', description: 'model input, 640 or WIDTHxHEIGHT' },
  { key: 'gpu', flag: 'gpu', kind: 'gpu', description: `accelerator: ${GPU_TYPES.join(', ')} (default: the profile's, else a100-40gb)` },
  { key: 'precision', flag: 'precision', kind: 'precision', description: 'fp16 or fp32 (default fp16 on GPU, fp32 on CPU)' },
  { key: 'decodeFps', flag: 'decode-fps', kind: 'number', above: 0, description: 'decoded frames/s one inference VM sustains (overrides the profile)' },
  { key: 'headroom', flag: 'headroom', kind: 'number', min: 1, fallback: 1.3, description: 'capacity headroom factor, ≥ 1' },
  { key: 'retentionDays', flag: 'retention-days', kind: 'number', min: 0, fallback: 30, description: 'days videos and reports stay in GCS' },
  { key: 'bitrateMbps', flag: 'bitrate-mbps', kind: 'number', min: 0, fallback: 20, description: 'video bitrate in Mbit/s (sets upload and storage size)' },
  { key: 'egressPerReportMb', flag: 'egress-per-report-mb', kind: 'number', min: 0, fallback: 5, description: 'MB downloaded (and stored) per report' },
  { key: 'gpuDiskGb', flag: 'gpu-disk-gb', kind: 'int', min: 0, fallback: 100, description: 'pd-balanced GB per inference VM' },
  { key: 'appDiskGb', flag: 'app-disk-gb', kind: 'int', min: 0, fallback: 100, description: 'pd-ssd GB per app VM' },
  { key: 'engineerSalaryUsd', flag: 'engineer-salary', kind: 'number', min: 0, fallback: 120_000, description: 'USD a year per engineer (fully loaded)' },
  { key: 'workingDaysPerYear', flag: 'working-days', kind: 'int', min: 1, max: 366, fallback: 220, description: 'working days a year (day rate = salary / this)' },
  { key: 'fullstackDays', flag: 'fullstack-days', kind: 'number', min: 0, fallback: 30, description: 'full-stack engineer days to build' },
  { key: 'cloudDays', flag: 'cloud-days', kind: 'number', min: 0, fallback: 15, description: 'cloud engineer days to build' },
  { key: 'maintenanceEngineers', flag: 'maintenance-engineers', kind: 'number', min: 0, fallback: 1, description: 'full-time engineers maintaining it' },
  { key: 'margin', flag: 'margin', kind: 'number', min: 0, below: 1, fallback: 0.3, description: 'target margin as a fraction of the price, 0 ≤ m < 1' },
  { key: 'amortizeMonths', flag: 'amortize-months', kind: 'int', min: 1, fallback: 12, description: 'months over which the build cost is recovered' },
];

/** Keys a config file may hold besides the inputs: paths resolved against the file's folder. */
const CONFIG_PATH_KEYS = ['profile', 'priceTable'] as const;

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Values as given: flags (strings) and config entries (numbers or strings), keyed by the spec's flag name. */
export type RawInputs = Record<string, unknown>;

export interface LoadedConfig {
  values: RawInputs;
  profile?: string;
  priceTable?: string;
}

/** Reads a YAML or JSON config whose keys are the flag names (kebab-case or camelCase). */
export function readConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--config ${file}: file not found`);
    throw err;
  }
  let doc: unknown;
  try {
    doc = loadYaml(text, { filename: file });
  } catch (err) {
    throw new UsageError(`--config ${file}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`--config ${file}: must be a mapping of option names to values`);
  const byName = new Map<string, string>();
  for (const spec of INPUT_SPECS) {
    byName.set(spec.flag, spec.flag);
    byName.set(camel(spec.flag), spec.flag);
    byName.set(spec.key, spec.flag);
  }
  const out: LoadedConfig = { values: {} };
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const pathKey = CONFIG_PATH_KEYS.find((k) => k === key || k === camel(key));
    if (pathKey) {
      if (typeof value !== 'string' || value === '') throw new UsageError(`--config ${file}: ${key} must be a file path`);
      out[pathKey] = path.resolve(path.dirname(file), value);
      continue;
    }
    const flag = byName.get(key);
    if (!flag) throw new UsageError(`--config ${file}: unknown key "${key}"; known keys: ${INPUT_SPECS.map((s) => s.flag).join(', ')}, profile, price-table`);
    out.values[flag] = value;
  }
  return out;
}

function numberFrom(spec: InputSpec, raw: unknown): number {
  const where = `--${spec.flag}`;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) throw new UsageError(`${where} must be a number, got ${JSON.stringify(raw)}`);
  if (spec.kind === 'int' && !Number.isInteger(value)) throw new UsageError(`${where} must be a whole number, got ${value}`);
  if (spec.min !== undefined && value < spec.min) throw new UsageError(`${where} must be ≥ ${spec.min}, got ${value}`);
  if (spec.above !== undefined && !(value > spec.above)) throw new UsageError(`${where} must be > ${spec.above}, got ${value}`);
  if (spec.max !== undefined && value > spec.max) throw new UsageError(`${where} must be ≤ ${spec.max}, got ${value}`);
  if (spec.below !== undefined && !(value < spec.below)) throw new UsageError(`${where} must be < ${spec.below}, got ${value}`);
  return value;
}

function sizeFrom(raw: unknown): { inputWidth: number; inputHeight: number } {
  const text = String(raw).trim();
  const m = /^(\d+)(?:x(\d+))?$/i.exec(text);
  if (!m) throw new UsageError(`--input-size must be a size like 640 or 640x384, got ${JSON.stringify(raw)}`);
  const inputWidth = Number(m[1]);
  const inputHeight = Number(m[2] ?? m[1]);
  if (inputWidth < 32 || inputHeight < 32) throw new UsageError(`--input-size must be at least 32 pixels a side, got ${text}`);
  return { inputWidth, inputHeight };
}

/**
 * Validated inputs from raw values keyed by flag name (flags over config). `defaults` supplies
 * what the context knows, e.g. the GPU a profile was measured on. Throws UsageError naming the flag.
 */
export function resolveInputs(raw: RawInputs, defaults: { gpu?: GpuType } = {}): CostInputs {
  const out: Record<string, unknown> = {};
  for (const spec of INPUT_SPECS) {
    const given = raw[spec.flag];
    const value = given === undefined || given === null ? spec.fallback : given;
    if (value === undefined) {
      if (spec.required) throw new UsageError(`missing --${spec.flag}: ${spec.description}; give it as a flag or in --config`);
      continue;
    }
    switch (spec.kind) {
      case 'int':
      case 'number':
        out[spec.key] = numberFrom(spec, value);
        break;
      case 'model': {
        const model = String(value).trim();
        if (!/^[\w.-]+$/.test(model)) throw new UsageError(`--model must be a model name like yolov5n, got ${JSON.stringify(value)}`);
        out.model = model;
        break;
      }
      case 'size':
        Object.assign(out, sizeFrom(value));
        break;
      case 'gpu': {
        if (!(GPU_TYPES as readonly string[]).includes(String(value))) throw new UsageError(`--gpu ${String(value)} is unknown: use one of ${GPU_TYPES.join(', ')}`);
        out.gpu = value;
        break;
      }
      case 'precision': {
        if (!(PRECISIONS as readonly string[]).includes(String(value))) throw new UsageError(`--precision ${String(value)} is unknown: use fp16 or fp32`);
        out.precision = value;
        break;
      }
    }
  }
  out.gpu ??= defaults.gpu ?? 'a100-40gb';
  out.precision ??= (out.gpu === 'cpu' ? 'fp32' : 'fp16') satisfies Precision;
  out.videosPerDay ??= out.videosPerBurst;
  const inputs = out as unknown as CostInputs;
  if (inputs.videosPerDay < inputs.videosPerBurst) {
    throw new UsageError(`--videos-per-day (${inputs.videosPerDay}) is less than --videos-per-burst (${inputs.videosPerBurst}): a burst's videos count in its day`);
  }
  return inputs;
}
