/**
 * Shapes of the API answers the portal reads: the server's own declarations where they are dependency-free
 * (src/portal/views.ts, src/jobs/job-status.ts, the report types), restated here only where they are not.
 */
import type { JobStatus } from '../../src/jobs/job-status.js';
import type { MeView } from '../../src/portal/views.js';

export type { Report, ReportObject } from '../../src/analysis/report.types.js';
export { JOB_STATUSES, isFinalStatus as isFinal, type JobStatus } from '../../src/jobs/job-status.js';
export type { ApiKeyView, InvoiceSummary as Invoice, PortalJobRow as JobRow } from '../../src/portal/views.js';

export type Me = MeView;
export type Limits = MeView['limits'];

export interface ErrorInfo {
  code: string;
  message: string;
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
  /** With `succeeded` (tenant stream): the counts per class. */
  counts?: Record<string, number>;
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

