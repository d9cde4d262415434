/**
 * The queue vocabulary in one place: queue names, payloads (ids only, never bytes) and job options.
 */
import type { JobOptions } from 'bull';
import type { TallyEnv } from '../config/env.js';

export const QUEUES = {
  /** One Bull job per analysis job; Bull jobId = our job id, so adding twice is a no-op. */
  analysis: 'analysis',
  /** Signed completion webhooks to tenants' callback URLs. */
  webhooks: 'webhooks',
  /** Repeatable housekeeping (source-video retention). */
  maintenance: 'maintenance',
  /** Repeatable billing jobs: the usage outbox dispatcher and the Stripe reconciliation. */
  billing: 'billing',
} as const;

export interface AnalysisPayload {
  jobId: string;
}

export interface WebhookPayload {
  jobId: string;
}

export const MAINTENANCE_JOBS = { retention: 'video-retention' } as const;

export const BILLING_JOBS = { dispatch: 'dispatch-usage', reconcile: 'reconcile-usage' } as const;

/** A repeatable billing job: one schedule however many workers declare it; a failed run is simply the next run's work. */
export function billingRepeatOptions(name: string, everyMs: number): JobOptions {
  return { repeat: { every: everyMs }, jobId: name, removeOnComplete: 10, removeOnFail: 10 };
}

/** Highest Bull priority value (Bull keeps priorities below 2^21). */
export const MAX_PRIORITY = 2_000_000;

export function analysisJobOptions(env: Pick<TallyEnv, 'jobAttempts'>, jobId: string, priority: number): JobOptions {
  return {
    jobId,
    priority: Math.min(Math.max(1, priority), MAX_PRIORITY),
    attempts: env.jobAttempts,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 1_000,
    removeOnFail: 5_000,
  };
}

export function webhookJobOptions(jobId: string): JobOptions {
  return {
    jobId: `webhook:${jobId}`,
    attempts: 8,
    // 2 s, 4 s, 8 s … about 4 minutes of trying in all.
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: 1_000,
    removeOnFail: 5_000,
  };
}
