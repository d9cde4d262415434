import type { JobStatus } from '../types.js';

/** A labelled progress bar (role=progressbar, so assistive technology reads the value). */
export function ProgressBar({ value, label, testId }: { value: number; label: string; testId?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid={testId}>
      <div className="bar" style={{ width: `${pct}%` }} />
    </div>
  );
}

const LABELS: Record<JobStatus, string> = { queued: 'Queued', processing: 'Analysing', succeeded: 'Done', failed: 'Failed', canceled: 'Canceled' };

export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge ${status}`} data-testid="job-status">
      {LABELS[status]}
    </span>
  );
}
