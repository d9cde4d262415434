import { readFileSync } from 'node:fs';
import { UsageError } from '../analysis/errors.js';
import builtIn from './prices/gcp-us-central1.json' with { type: 'json' };

/** Units a price can be quoted in; the calculator multiplies by hours, GB-months, GB or thousands of operations. */
export const PRICE_UNITS = ['hour', 'gb-month', 'gb', '1000-ops'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export interface Price {
  usd: number;
  unit: PriceUnit;
  region: string;
  /** ISO date the price was read from the source. */
  asOf: string;
  description: string;
  source: string;
}

export interface PriceTable {
  id: string;
  provider: string;
  currency: string;
  /** 8,760 hours a year / 12 = 730. */
  hoursPerMonth: number;
  note: string;
  prices: Record<string, Price>;
}

/** Keys the calculator reads, with the unit it expects; a price table must have them all. */
export const REQUIRED_PRICES: Record<string, PriceUnit> = {
  'vm.a2-highgpu-1g': 'hour',
  'vm.a2-ultragpu-1g': 'hour',
  'vm.g2-standard-8': 'hour',
  'vm.n1-standard-8': 'hour',
  'gpu.nvidia-tesla-t4': 'hour',
  'vm.a3-highgpu-1g': 'hour',
  'vm.c3-standard-8': 'hour',
  'vm.n2-standard-4': 'hour',
  'disk.pd-balanced': 'gb-month',
  'disk.pd-ssd': 'gb-month',
  'network.static-ip': 'hour',
  'lb.forwarding-rule': 'hour',
  'lb.data-processing': 'gb',
  'gcs.standard-storage': 'gb-month',
  'gcs.class-a-ops': '1000-ops',
  'gcs.class-b-ops': '1000-ops',
  'network.internet-egress': 'gb',
};

function fail(source: string, message: string): never {
  throw new UsageError(`price table ${source}: ${message}`);
}

function text(obj: Record<string, unknown>, key: string, where: string, source: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') fail(source, `${where}.${key} must be a non-empty string`);
  return value;
}

/** Checks a parsed price table (from JSON) and returns it typed; throws UsageError naming the bad field. */
export function validatePriceTable(raw: unknown, source: string): PriceTable {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(source, 'must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const hoursPerMonth = obj.hoursPerMonth;
  if (typeof hoursPerMonth !== 'number' || !(hoursPerMonth > 0)) fail(source, 'hoursPerMonth must be a positive number (730)');
  const rawPrices = obj.prices;
  if (typeof rawPrices !== 'object' || rawPrices === null || Array.isArray(rawPrices)) fail(source, 'prices must be an object keyed by price name');
  const prices: Record<string, Price> = {};
  for (const [key, value] of Object.entries(rawPrices as Record<string, unknown>)) {
    const where = `prices["${key}"]`;
    if (typeof value !== 'object' || value === null) fail(source, `${where} must be an object`);
    const p = value as Record<string, unknown>;
    if (typeof p.usd !== 'number' || !Number.isFinite(p.usd) || p.usd < 0) fail(source, `${where}.usd must be a number ≥ 0`);
    const unit = text(p, 'unit', where, source);
    if (!(PRICE_UNITS as readonly string[]).includes(unit)) fail(source, `${where}.unit must be one of ${PRICE_UNITS.join(', ')}`);
    const asOf = text(p, 'asOf', where, source);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) fail(source, `${where}.asOf must be a date like 2025-06-01`);
    prices[key] = {
      usd: p.usd,
      unit: unit as PriceUnit,
      region: text(p, 'region', where, source),
      asOf,
      description: text(p, 'description', where, source),
      source: text(p, 'source', where, source),
    };
  }
  for (const [key, unit] of Object.entries(REQUIRED_PRICES)) {
    if (!prices[key]) fail(source, `prices["${key}"] is missing (unit ${unit})`);
    if (prices[key].unit !== unit) fail(source, `prices["${key}"].unit must be ${unit}, not ${prices[key].unit}`);
  }
  return {
    id: text(obj, 'id', 'table', source),
    provider: text(obj, 'provider', 'table', source),
    currency: text(obj, 'currency', 'table', source),
    hoursPerMonth,
    note: text(obj, 'note', 'table', source),
    prices,
  };
}

/** The versioned table shipped in src/cost/prices (GCP us-central1 list prices). */
export function builtInPriceTable(): PriceTable {
  return validatePriceTable(builtIn, 'src/cost/prices/gcp-us-central1.json');
}

/** Reads and validates a price table file (same format as src/cost/prices/gcp-us-central1.json). */
export function loadPriceTable(path: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(err as Error).message})`;
    fail(path, reason);
  }
  return validatePriceTable(raw, path);
}
