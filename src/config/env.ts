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
  /** Where source videos live: the local disk (storageDir) or a GCS bucket. */
  storage: 'local' | 'gcs';
  gcsBucket: string;
  /** Custom GCS endpoint (tests, emulators); empty for Google's. */
  gcsApiEndpoint: string;
  /** Service-account JSON key file for GCS (signing URLs); empty for Application Default Credentials. */
  gcsKeyFile: string;
  /** Base URL clients use to reach this API (local signed-upload URLs point here). */
  publicUrl: string;
  /** Source videos older than this are deleted; reports are kept. */
  videoRetentionHours: number;
  /** Each job must finish within this many minutes of its submission (the SLA). */
  jobDeadlineMinutes: number;
  /** Jobs one worker process analyses at once. */
  workerConcurrency: number;
  /** Bull attempts per analysis job (transient failures are retried with exponential backoff). */
  jobAttempts: number;
  /** A job whose worker stops renewing its lock for this long is handed to another worker. */
  jobLockSeconds: number;
  /** How long a stopping worker waits for its running jobs before handing them back. */
  shutdownGraceSeconds: number;
  /** Requests per minute per API key (or per IP when unauthenticated). */
  rateLimitPerMinute: number;
  /** Hard cap on any upload, whatever the plan says. */
  maxUploadBytes: number;
  /** Run pending migrations when the app starts. */
  migrateOnStart: boolean;
  /** ONNX Runtime execution providers in order of preference; the first that loads wins. */
  executionProviders: ('tensorrt' | 'cuda' | 'cpu')[];
  /** GPU index for the cuda and tensorrt providers. */
  deviceId: number;
  /** TensorRT engine cache directory ('' = no cache: engines are rebuilt at every start). */
  tensorrtCacheDir: string;
  /** TensorRT builds FP16 engines from an FP32 model (ORT_TENSORRT_FP16_ENABLE). */
  tensorrtFp16: boolean;
  /** Deliver webhooks to private, loopback and link-local addresses too (off: such callbacks are refused). */
  webhookAllowPrivate: boolean;
  /** Event streams (SSE) send a ping this often, so proxies that drop silent connections keep them open. */
  sseKeepaliveSeconds: number;
  /**
   * The analysis backlog (queued + running jobs) written to Cloud Monitoring as
   * custom.googleapis.com/tally/analysis_backlog, which the GPU worker pool's autoscaler follows.
   * cloudMetricsProject '' = off.
   */
  cloudMetricsProject: string;
  cloudMetricsIntervalSeconds: number;
  /** Cloud Monitoring endpoint for tests and emulators (http://host:port); '' = Google's. */
  cloudMonitoringEndpoint: string;
  /** Outgoing mail (password reset links): smtp(s)://user:pass@host:port; '' = no mail, support issues links. */
  smtpUrl: string;
  /** From address of Tally's mail. */
  mailFrom: string;
  /** Dynamic batching across a worker's jobs: most frames per inference call (1 = no batching, the CPU setting). */
  batchMaxSize: number;
  /** Most milliseconds a frame waits for its batch to fill. */
  batchMaxWaitMs: number;
  /** Most frames of one job waiting for or in inference (back-pressure on its decoder). */
  batchMaxQueuedPerJob: number;
  /** Decode video on the GPU (ffmpeg -hwaccel cuda; needs an ffmpeg built with NVDEC). */
  hwaccelDecode: boolean;
  /** The staff admin panel (/admin, /admin/queues, /v1/admin): on by default for TALLY_ROLE api and all, off for worker. */
  adminEnabled: boolean;
  /** Signs staff session cookies (TALLY_SESSION_SECRET); required, 32+ characters, when NODE_ENV=production. */
  sessionSecret: string;
  /** Hourly price of one analysis machine in USD, for live unit economics (default: GCP a2-highgpu-1g, A100 40 GB, us-central1 on demand). */
  machineHourlyUsd: number;
  /** Where `npm run build` puts the AdminJS component bundle (ADMIN_JS_TMP_DIR, relative to the working directory; default dist/admin-bundle, shipped with dist; no leading dot: Express 5 will not send dot-paths). */
  adminBundleDir: string;
  /** Built portal (index.html + assets); '' = dist/portal beside the compiled code. */
  portalDir: string;
  /** Portal sign-in sessions last this long without use (each use renews them). */
  sessionTtlHours: number;
  /** Proxy hops whose X-Forwarded-For Express trusts for req.ip (rate limits, login throttling); 0 = none. */
  trustProxy: number;
  /** Failed sign-ins per email and IP within 15 minutes before sign-in is refused (429). */
  loginMaxFailures: number;
  /** Stripe billing (issue 4); stripeSecretKey '' = ledger-only mode. */
  billing: BillingEnv;
}

/** Stripe and the usage outbox. Without STRIPE_SECRET_KEY, usage is only recorded and shown, never sent. */
export interface BillingEnv {
  stripeSecretKey: string;
  /** Overrides for tests and stripe-mock ('' / 0 = Stripe's own api.stripe.com:443 over https). */
  stripeApiHost: string;
  stripeApiPort: number;
  stripeApiProtocol: 'https' | 'http';
  /** The Billing meter's event name; its customer mapping key is `stripe_customer_id`, its value key `value`. */
  stripeMeterEventName: string;
  /** The meter's id (mtr_…), for reconciliation; '' = looked up by event name. */
  stripeMeterId: string;
  /** Default metered price (per video-second, backed by the meter) for plans without their own stripe_price_id. */
  stripePriceId: string;
  stripeWebhookSecret: string;
  /** Per request to Stripe. */
  stripeTimeoutMs: number;
  /** The client's own immediate retries (exponential, 0.5 s to 5 s) on network errors, timeouts, 409 and 5xx. */
  stripeMaxNetworkRetries: number;
  /** The outbox dispatcher's period. */
  dispatchEverySeconds: number;
  /** Backoff of a ledger row after a failed send: base × 2^(attempts-1), capped at 1 hour. */
  retryBaseMs: number;
  /** Reconciliation against Stripe's meter event summaries. */
  reconcileEveryMinutes: number;
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

function numberVar(src: Source, name: string, fallback: number, min: number, max: number): number {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is not valid: set it to a number from ${min} to ${max}, or unset it for ${fallback}.`);
  }
  return value;
}

function adminVars(src: Source, role: TallyEnv['role']): Pick<TallyEnv, 'adminEnabled' | 'sessionSecret' | 'machineHourlyUsd' | 'adminBundleDir'> {
  return {
    adminEnabled: boolVar(src, 'TALLY_ADMIN_ENABLED', role !== 'worker'),
    // '' outside production: the panel then uses a fixed development secret; checkSessionSecret refuses that in production.
    sessionSecret: src.TALLY_SESSION_SECRET ?? '',
    machineHourlyUsd: numberVar(src, 'TALLY_MACHINE_HOURLY_USD', 3.673385, 0, 10_000),
    adminBundleDir: src.ADMIN_JS_TMP_DIR || 'dist/admin-bundle',
  };
}

/** Where the admin panel starts (not in loadEnv: CLI commands and workers need no session secret). */
export function checkSessionSecret(env: Pick<TallyEnv, 'nodeEnv' | 'sessionSecret'>): string {
  if (env.sessionSecret.length >= 32) return env.sessionSecret;
  if (env.nodeEnv === 'production') {
    throw new ConfigError('TALLY_SESSION_SECRET must be set to 32 or more random characters in production (it signs staff session cookies), e.g. `openssl rand -base64 48`; or set TALLY_ADMIN_ENABLED=false.');
  }
  if (env.sessionSecret) throw new ConfigError('TALLY_SESSION_SECRET is too short: use 32 or more random characters, or unset it outside production.');
  return 'tally-development-session-secret-not-for-production';
}

/**
 * AdminJS reads these at import time: call before importing adminjs (the one place that writes process.env).
 * 'prebuilt': use the bundle in adminBundleDir; 'bundle': build it (npm run build); 'as-is': leave AdminJS's own settings.
 */
export function applyAdminJsProcessEnv(env: Pick<TallyEnv, 'adminBundleDir'>, mode: 'prebuilt' | 'bundle' | 'as-is'): void {
  process.env.ADMIN_JS_TMP_DIR = env.adminBundleDir;
  if (mode === 'prebuilt') process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
  if (mode === 'bundle') {
    process.env.NODE_ENV = 'production';
    delete process.env.ADMIN_JS_SKIP_BUNDLE;
  }
}

function boolVar(src: Source, name: string, fallback: boolean): boolean {
  const raw = src[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name}=${raw} is not valid: use true or false.`);
}

function providersVar(src: Source): TallyEnv['executionProviders'] {
  const allowed = ['tensorrt', 'cuda', 'cpu'] as const;
  const raw = src.TALLY_EXECUTION_PROVIDERS || 'cpu';
  const list = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const unknown = list.find((p) => !(allowed as readonly string[]).includes(p));
  if (list.length === 0 || unknown !== undefined) {
    throw new ConfigError(`TALLY_EXECUTION_PROVIDERS=${raw} is not valid: list some of ${allowed.join(', ')} in order of preference, e.g. tensorrt,cuda,cpu.`);
  }
  return list as TallyEnv['executionProviders'];
}

function storageVars(src: Source): Pick<TallyEnv, 'storage' | 'gcsBucket' | 'gcsApiEndpoint' | 'gcsKeyFile'> {
  const storage = oneOf(src, 'TALLY_STORAGE', ['local', 'gcs'] as const, 'local');
  const gcsBucket = src.TALLY_GCS_BUCKET ?? '';
  if (storage === 'gcs' && !gcsBucket) {
    throw new ConfigError('TALLY_STORAGE=gcs needs TALLY_GCS_BUCKET: set it to the bucket name, or use TALLY_STORAGE=local.');
  }
  const gcsApiEndpoint = src.TALLY_GCS_API_ENDPOINT ? urlVar(src, 'TALLY_GCS_API_ENDPOINT', 'http://127.0.0.1:4443', ['http:', 'https:']) : '';
  return { storage, gcsBucket, gcsApiEndpoint, gcsKeyFile: src.TALLY_GCS_KEY_FILE ?? '' };
}

function cloudMetricsVars(src: Source): Pick<TallyEnv, 'cloudMetricsProject' | 'cloudMetricsIntervalSeconds' | 'cloudMonitoringEndpoint'> {
  const project = src.TALLY_CLOUD_METRICS_PROJECT ?? '';
  if (project && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)) {
    throw new ConfigError(`TALLY_CLOUD_METRICS_PROJECT=${project} is not a Google Cloud project id: set it to the project's id (6–30 lowercase letters, digits and -), or leave it empty.`);
  }
  return {
    cloudMetricsProject: project,
    // Cloud Monitoring takes one point per series every 5 s at most; the autoscaler looks at minutes.
    cloudMetricsIntervalSeconds: intVar(src, 'TALLY_CLOUD_METRICS_INTERVAL_SECONDS', 60, 10, 3600),
    cloudMonitoringEndpoint: src.TALLY_CLOUD_MONITORING_ENDPOINT ? urlVar(src, 'TALLY_CLOUD_MONITORING_ENDPOINT', '', ['http:', 'https:']) : '',
  };
}

function billingVars(src: Source): BillingEnv {
  const eventName = src.STRIPE_METER_EVENT_NAME || 'tally_video_seconds';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(eventName)) {
    throw new ConfigError(`STRIPE_METER_EVENT_NAME=${eventName} is not valid: use the meter's event name (letters, digits, _ and -).`);
  }
  return {
    stripeSecretKey: src.STRIPE_SECRET_KEY ?? '',
    stripeApiHost: src.STRIPE_API_HOST ?? '',
    stripeApiPort: intVar(src, 'STRIPE_API_PORT', 0, 0, 65535),
    stripeApiProtocol: oneOf(src, 'STRIPE_API_PROTOCOL', ['https', 'http'] as const, 'https'),
    stripeMeterEventName: eventName,
    stripeMeterId: src.STRIPE_METER_ID ?? '',
    stripePriceId: src.STRIPE_PRICE_ID ?? '',
    stripeWebhookSecret: src.STRIPE_WEBHOOK_SECRET ?? '',
    stripeTimeoutMs: intVar(src, 'STRIPE_TIMEOUT_MS', 10_000, 100, 120_000),
    stripeMaxNetworkRetries: intVar(src, 'STRIPE_MAX_NETWORK_RETRIES', 2, 0, 10),
    dispatchEverySeconds: intVar(src, 'TALLY_BILLING_DISPATCH_EVERY_SECONDS', 30, 1, 3600),
    retryBaseMs: intVar(src, 'TALLY_BILLING_RETRY_BASE_MS', 5_000, 1, 3_600_000),
    reconcileEveryMinutes: intVar(src, 'TALLY_BILLING_RECONCILE_EVERY_MINUTES', 60, 1, 7 * 24 * 60),
  };
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
    ...storageVars(src),
    publicUrl: urlVar(src, 'TALLY_PUBLIC_URL', `http://127.0.0.1:${intVar(src, 'PORT', 3000, 0, 65535)}`, ['http:', 'https:']).replace(/\/$/, ''),
    videoRetentionHours: intVar(src, 'TALLY_VIDEO_RETENTION_HOURS', 72, 1, 24 * 365),
    jobDeadlineMinutes: intVar(src, 'TALLY_JOB_DEADLINE_MINUTES', 20, 1, 24 * 60),
    workerConcurrency: intVar(src, 'TALLY_WORKER_CONCURRENCY', 1, 1, 64),
    jobAttempts: intVar(src, 'TALLY_JOB_ATTEMPTS', 3, 1, 20),
    jobLockSeconds: intVar(src, 'TALLY_JOB_LOCK_SECONDS', 30, 1, 3600),
    shutdownGraceSeconds: intVar(src, 'TALLY_SHUTDOWN_GRACE_SECONDS', 30, 0, 3600),
    rateLimitPerMinute: intVar(src, 'TALLY_RATE_LIMIT_PER_MINUTE', 1200, 1, 10_000_000),
    maxUploadBytes: intVar(src, 'TALLY_MAX_UPLOAD_BYTES', 4 * 1024 ** 3, 1, 64 * 1024 ** 3),
    migrateOnStart: boolVar(src, 'TALLY_MIGRATE_ON_START', true),
    executionProviders: providersVar(src),
    deviceId: intVar(src, 'TALLY_DEVICE_ID', 0, 0, 63),
    tensorrtCacheDir: src.TALLY_TENSORRT_CACHE_DIR ?? '',
    tensorrtFp16: boolVar(src, 'TALLY_TENSORRT_FP16', false),
    webhookAllowPrivate: boolVar(src, 'TALLY_WEBHOOK_ALLOW_PRIVATE', false),
    sseKeepaliveSeconds: intVar(src, 'TALLY_SSE_KEEPALIVE_SECONDS', 25, 1, 300),
    ...cloudMetricsVars(src),
    smtpUrl: src.TALLY_SMTP_URL ? urlVar(src, 'TALLY_SMTP_URL', '', ['smtp:', 'smtps:']) : '',
    mailFrom: src.TALLY_MAIL_FROM || 'Tally <no-reply@tally.invalid>',
    batchMaxSize: intVar(src, 'TALLY_BATCH_MAX_SIZE', 1, 1, 1024),
    batchMaxWaitMs: intVar(src, 'TALLY_BATCH_MAX_WAIT_MS', 0, 0, 10_000),
    batchMaxQueuedPerJob: intVar(src, 'TALLY_BATCH_MAX_QUEUED_PER_JOB', 64, 1, 100_000),
    hwaccelDecode: boolVar(src, 'TALLY_HWACCEL_DECODE', false),
    ...adminVars(src, oneOf(src, 'TALLY_ROLE', ['api', 'worker', 'all'] as const, 'all')),
    portalDir: src.TALLY_PORTAL_DIR ?? '',
    sessionTtlHours: intVar(src, 'TALLY_SESSION_TTL_HOURS', 168, 1, 24 * 365),
    trustProxy: intVar(src, 'TALLY_TRUST_PROXY', 0, 0, 10),
    loginMaxFailures: intVar(src, 'TALLY_LOGIN_MAX_FAILURES', 5, 1, 1000),
    billing: billingVars(src),
  };
}
