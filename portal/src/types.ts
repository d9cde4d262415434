/** Shapes of the API answers the portal reads (the server's views, restated for the browser build). */
export type { Report, ReportObject } from '../../src/analysis/report.types.js';

export type JobStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
export const JOB_STATUSES: JobStatus[] = ['queued', 'processing', 'succeeded', 'failed', 'canceled'];
export const isFinal = (s: JobStatus): boolean => s === 'succeeded' || s === 'failed' || s === 'canceled';

export interface Limits {
  maxFileSizeBytes: number;
  maxDurationSec: number;
  maxConcurrentJobs: number;
  maxVideoMinutesPerMonth: number | null;
}

export interface Me {
  user: { id: string; email: string };
  tenant: { id: string; name: string; planId: string; planName: string; status: string };
  limits: Limits;
  storage: 'local' | 'gcs';
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** GET /v1/portal/jobs items. */
export interface JobRow {
  id: string;
  status: JobStatus;
  progress: number;
  error?: ErrorInfo;
  fileName: string;
  durationSec: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  options: { stride?: number; analysisFps?: number };
  counts?: Record<string, number>;
  objectsTotal?: number;
}

/** GET /v1/jobs/{id}. */
export interface JobView {
  id: string;
  videoId: string;
  status: JobStatus;
  progress: number;
  error?: ErrorInfo;
  attempts: number;
  options: { stride?: number; analysisFps?: number };
  createdAt: string;
  deadlineAt: string;
  startedAt?: string;
  finishedAt?: string;
  timings?: { wallMs: number | null; decodeMs: number | null; inferenceMs: number | null; framesAnalysed: number | null; fps: number | null };
}

/** Server-sent job events (/v1/events and /v1/jobs/{id}/events). */
export interface JobEvent {
  id: string;
  status: JobStatus;
  progress: number;
  error?: ErrorInfo;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Usage {
  plan: string;
  period: { start: string; end: string };
  videoSeconds: number;
  usageSeconds?: number;
  creditedSeconds?: number;
  jobs: number;
  includedSeconds: number;
  overageSeconds: number;
  estimatedCharge: { amount: number; currency: string };
  stripeEnabled?: boolean;
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string | null;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  periodStart: string;
  periodEnd: string;
  created: string;
  hostedInvoiceUrl: string | null;
}
