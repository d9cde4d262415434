import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { ProgressBar, StatusBadge } from '../components/progress.js';
import { Uploader } from '../components/uploader.js';
import { countsSummary, formatDate, formatSeconds, percent } from '../format.js';
import { useJobEvents } from '../live.js';
import { Link } from '../router.js';
import { isFinal, JOB_STATUSES, type JobEvent, type JobRow, type JobStatus } from '../types.js';

const PAGE = 20;
const FILTERS: { value: JobStatus | ''; label: string }[] = [
  { value: '', label: 'All' },
  ...JOB_STATUSES.map((s) => ({ value: s, label: s[0].toUpperCase() + s.slice(1) })),
];

/** A row as an event says it is now. */
function applyEvent(j: JobRow, e: JobEvent): JobRow {
  return { ...j, status: e.status, progress: e.progress, error: e.error ?? j.error, counts: e.counts ?? j.counts };
}

export function JobsPage() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ items: JobRow[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const reloadTimer = useRef<number | undefined>(undefined);
  const connectedOnce = useRef(false);

  /**
   * The newest event of each job and when it arrived. A list answer requested before an event arrived may be
   * older than that event (a job that started meanwhile would flip back to "queued"): such events win over it.
   */
  const latest = useRef(new Map<string, { event: JobEvent; at: number }>());
  /** Ids of the rows on the page now. */
  const shown = useRef(new Set<string>());
  shown.current = new Set(data?.items.map((j) => j.id));

  /** fresh: after a change we know of (an event, an upload, a cancel), skip the server's 1-second list cache. */
  const load = useCallback(async (fresh = false) => {
    const requestedAt = performance.now();
    try {
      const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset), ...(status ? { status } : {}), ...(fresh ? { fresh: 'true' } : {}) });
      const answer = await api<{ items: JobRow[]; total: number }>(`/v1/portal/jobs?${q}`);
      const items = answer.items.map((j) => {
        const seen = latest.current.get(j.id);
        return seen && seen.at > requestedAt ? applyEvent(j, seen.event) : j;
      });
      setData({ items, total: answer.total });
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'could not load your jobs');
    }
  }, [status, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  // A burst of events (many jobs finishing) costs one reload.
  const reloadSoon = useCallback(() => {
    window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(() => void load(true), 300);
  }, [load]);
  useEffect(() => () => window.clearTimeout(reloadTimer.current), []);

  useJobEvents(
    '/v1/events',
    (e) => {
      latest.current.set(e.id, { event: e, at: performance.now() });
      if (latest.current.size > 500) latest.current.delete(latest.current.keys().next().value as string);
      const known = shown.current.has(e.id);
      if (known) setData((d) => (d ? { ...d, items: d.items.map((j) => (j.id === e.id ? applyEvent(j, e) : j)) } : d));
      // A job this page does not show yet (submitted in another tab or over the API), a final state (it brings
      // counts) or a filtered list (the job may leave or join it): fetch the list again.
      if (!known || isFinal(e.status) || status) reloadSoon();
    },
    () => {
      // Reconnected: catch up on what happened while the stream was down (the first open needs nothing).
      if (connectedOnce.current) reloadSoon();
      connectedOnce.current = true;
    },
  );

  const cancel = async (id: string) => {
    setRowError(null);
    try {
      await api(`/v1/jobs/${id}/cancel`, { method: 'POST' });
      await load(true);
    } catch (err) {
      setRowError(err instanceof ApiError ? err.message : 'could not cancel the job');
    }
  };

  return (
    <>
      <h1>Jobs</h1>
      <Uploader onQueued={() => reloadSoon()} />
      <section className="card" aria-labelledby="jobs-title">
        <div className="row spread">
          <h2 id="jobs-title">Your videos</h2>
          <div className="filters" role="group" aria-label="Filter by status">
            {FILTERS.map((f) => (
              <button
                key={f.value || 'all'}
                type="button"
                className="chip"
                aria-pressed={status === f.value}
                data-testid={`job-filter-${f.value || 'all'}`}
                onClick={() => {
                  setStatus(f.value);
                  setOffset(0);
                }}
              >
                {f.label}
              </button>
            ))}
          </div>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <p className="error" role="alert" data-testid="job-error" hidden={!rowError}>
          {rowError}
        </p>
        {data && data.items.length === 0 && <p className="muted">{status ? `No ${status} jobs.` : 'No videos yet: upload one above.'}</p>}
        {data && data.items.length > 0 && (
          <div className="table-wrap">
            <table className="jobs" data-testid="job-table">
              <thead>
                <tr>
                  <th scope="col">Video</th>
                  <th scope="col">Status</th>
                  <th scope="col">Objects</th>
                  <th scope="col">Submitted</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((j) => (
                  <tr key={j.id} data-testid="job-row" data-job-id={j.id} data-status={j.status}>
                    <td>
                      <Link to={`/jobs/${j.id}`} className="name">
                        {j.fileName}
                      </Link>
                      <div className="muted small">{formatSeconds(j.durationSec)}</div>
                    </td>
                    <td>
                      <StatusBadge status={j.status} />
                      {j.status === 'processing' && <ProgressBar value={j.progress} label={`Progress of ${j.fileName}`} testId="job-progress" />}
                      {j.status === 'processing' && <span className="muted small"> {percent(j.progress)}</span>}
                      {j.error && j.status === 'failed' && <div className="error small">{j.error.message}</div>}
                    </td>
                    <td data-testid="job-counts">
                      {j.status === 'succeeded' && j.counts ? countsSummary(j.counts) : <span className="muted">{j.status === 'succeeded' ? 'loading…' : '—'}</span>}
                    </td>
                    <td className="small">{formatDate(j.createdAt)}</td>
                    <td className="actions">
                      {j.status === 'succeeded' && (
                        <Link to={`/jobs/${j.id}`} data-testid="job-report-link">
                          Report
                        </Link>
                      )}
                      {(j.status === 'queued' || j.status === 'processing') && (
                        <button type="button" className="secondary small" data-testid="job-cancel" onClick={() => void cancel(j.id)}>
                          Cancel
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && data.total > PAGE && (
          <nav className="pager" aria-label="Pages">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Newer
            </button>
            <span className="muted">
              {offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}
            </span>
            <button type="button" className="secondary" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
              Older
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
