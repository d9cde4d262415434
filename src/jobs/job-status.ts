/** A job's statuses, shared by the server and the portal's browser build (no dependencies). */
export const JOB_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Statuses that count against the concurrent-jobs quota. */
export const ACTIVE_JOB_STATUSES: JobStatus[] = ['queued', 'processing'];
export const FINAL_JOB_STATUSES: JobStatus[] = ['succeeded', 'failed', 'canceled'];

/** A job in this status will not change any more (its event stream ends). */
export function isFinalStatus(status: string): boolean {
  return (FINAL_JOB_STATUSES as string[]).includes(status);
}
