/**
 * What the portal's API answers look like: the server returns these and the portal's browser build imports
 * the same declarations (portal/src/types.ts), so the two cannot drift. Type-only, no dependencies beyond
 * other such files.
 */
import type { JobStatus } from '../jobs/job-status.js';

/** A row of the portal's job list: the job, its video's name and length, and the counts once there is a report. */
export interface PortalJobRow {
  id: string;
  status: JobStatus;
  progress: number;
  error?: { code: string; message: string };
  fileName: string;
  durationSec: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  options: { stride?: number; analysisFps?: number };
  counts?: Record<string, number>;
  objectsTotal?: number;
}

export interface MeView {
  user: { id: string; email: string };
  tenant: { id: string; name: string; planId: string; planName: string; status: string };
  /** What an upload must respect (the client checks before sending; the server checks again). */
  limits: { maxFileSizeBytes: number; maxDurationSec: number; maxConcurrentJobs: number; maxVideoMinutesPerMonth: number | null };
  /** 'gcs': uploads go straight to the bucket through signed URLs; 'local': to this API. */
  storage: 'local' | 'gcs';
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The slice of a Stripe invoice the API shows. */
export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: string | null;
  currency: string;
  /** Minor units (cents). */
  total: number;
  amountDue: number;
  amountPaid: number;
  periodStart: string;
  periodEnd: string;
  created: string;
  hostedInvoiceUrl: string | null;
}
