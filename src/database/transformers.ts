import type { ValueTransformer } from 'typeorm';

/** pg returns bigint and numeric as strings; these values stay well inside 2^53. */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};
