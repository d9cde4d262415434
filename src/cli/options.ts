import { InvalidArgumentError } from 'commander';

/** Commander parsers that turn a bad flag into a usage error (exit 2) naming the flag's rule. */
export function positiveInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
    return n;
  };
}

export function fraction(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be between 0 and 1.`);
    return n;
  };
}

export function positiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number above 0.`);
    return n;
  };
}

export function choice<T extends string>(name: string, allowed: readonly T[]) {
  return (raw: string): T => {
    if (!(allowed as readonly string[]).includes(raw)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}.`);
    return raw as T;
  };
}
