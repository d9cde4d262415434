/**
 * The one place that reads process.env. Every setting is parsed and validated here, once, at boot;
 * a bad value stops the process with a message that says how to fix it.
 */
export interface TallyEnv {
  nodeEnv: string;
  role: 'api' | 'worker' | 'all';
  port: number;
  logLevel: string;
  modelPath: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  storageDir: string;
  inferenceThreads: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

function intVar(src: Source, name: string, fallback: number, min: number, max: number): number {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is not valid: set it to a whole number from ${min} to ${max}, or unset it for ${fallback}.`);
  }
  return value;
}

function oneOf<T extends string>(src: Source, name: string, allowed: readonly T[], fallback: T): T {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${raw} is not valid: use one of ${allowed.join(', ')}.`);
  }
  return raw as T;
}

function urlVar(src: Source, name: string, fallback: string, protocols: string[]): string {
  const raw = src[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${raw} is not a URL: use the form ${fallback}.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name}=${raw} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (for example ${fallback}).`);
  }
  return raw;
}

/** Parses and validates the environment. Throws ConfigError with a fix-it message. */
export function loadEnv(src: Source = process.env): TallyEnv {
  return {
    nodeEnv: src.NODE_ENV ?? 'development',
    role: oneOf(src, 'TALLY_ROLE', ['api', 'worker', 'all'] as const, 'all'),
    port: intVar(src, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(src, 'TALLY_LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    modelPath: src.TALLY_MODEL_PATH || 'models/yolov5n.onnx',
    databaseUrl: urlVar(src, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/tally', ['postgres:', 'postgresql:']),
    redisUrl: urlVar(src, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: src.TALLY_QUEUE_PREFIX || 'tally',
    storageDir: src.TALLY_STORAGE_DIR || './data',
    inferenceThreads: intVar(src, 'TALLY_INFERENCE_THREADS', 0, 0, 256),
  };
}
