import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { BarChart, LineChart } from '../components/charts.js';
import { ProgressBar, StatusBadge } from '../components/progress.js';
import { formatDate, formatSeconds, percent } from '../format.js';
import { useJobEvents } from '../live.js';
import { Link } from '../router.js';
import { isFinal, type JobView, type Report } from '../types.js';

interface VideoView {
  originalName: string;
  durationSec: number;
  sourceDeletedAt: string | null;
}

export function ReportPage({ jobId }: { jobId: string }) {
  const [job, setJob] = useState<JobView | null>(null);
  const [video, setVideo] = useState<VideoView | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const j = await api<JobView>(`/v1/jobs/${jobId}`);
      setJob(j);
      setVideo(await api<VideoView>(`/v1/videos/${j.videoId}`));
      if (j.status === 'succeeded') setReport(await api<Report>(`/v1/jobs/${jobId}/report`));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'could not load this job');
    }
  }, [jobId]);

  useEffect(() => {
    setJob(null);
    setReport(null);
    setError(null);
    void load();
  }, [load]);

  const live = job && !isFinal(job.status);
  useJobEvents(live ? `/v1/jobs/${jobId}/events` : null, (e) => {
    setJob((j) => (j ? { ...j, status: e.status, progress: e.progress, error: e.error } : j));
    if (isFinal(e.status)) void load();
  });

  if (error)
    return (
      <section className="card">
        <h1>Report</h1>
        <p className="error" role="alert">
          {error}
        </p>
        <Link to="/">Back to your jobs</Link>
      </section>
    );
  if (!job) return <p className="muted">Loading…</p>;

  const base = `/v1/jobs/${jobId}/report`;
  return (
    <>
      <div className="row spread page-head">
        <div>
          <p className="crumbs">
            <Link to="/">Jobs</Link> /
          </p>
          <h1 data-testid="report-title">{video?.originalName ?? 'Video'}</h1>
          <p className="muted">
            <StatusBadge status={job.status} /> Submitted {formatDate(job.createdAt)}
            {job.finishedAt && ` · finished ${formatDate(job.finishedAt)}`}
          </p>
        </div>
        {report && (
          <div className="downloads" role="group" aria-label="Download">
            <a className="button secondary" href={base} download={`tally-${jobId}.json`} data-testid="download-json">
              JSON
            </a>
            <a className="button secondary" href={`${base}?format=csv`} download data-testid="download-csv">
              CSV
            </a>
            <a className="button secondary" href={`${base}?format=html`} target="_blank" rel="noopener" data-testid="download-html">
              Printable page
            </a>
          </div>
        )}
      </div>
      {!isFinal(job.status) && (
        <section className="card" aria-live="polite">
          <h2>{job.status === 'queued' ? 'Waiting for a worker…' : 'Analysing…'}</h2>
          <ProgressBar value={job.progress} label="Analysis progress" testId="report-progress" />
          <p className="muted">{percent(job.progress)} · the report appears here when the analysis is done.</p>
        </section>
      )}
      {job.status === 'failed' && (
        <section className="card">
          <h2>The analysis failed</h2>
          <p className="error">{job.error?.message ?? 'unknown error'}</p>
        </section>
      )}
      {job.status === 'canceled' && (
        <section className="card">
          <h2>Canceled</h2>
        </section>
      )}
      {report && <ReportBody jobId={jobId} report={report} videoDeleted={Boolean(video?.sourceDeletedAt)} />}
    </>
  );
}

function ReportBody({ jobId, report, videoDeleted }: { jobId: string; report: Report; videoDeleted: boolean }) {
  const classes = Object.keys(report.counts).sort((a, b) => report.counts[b] - report.counts[a] || a.localeCompare(b));
  const total = classes.reduce((s, c) => s + report.counts[c], 0);
  const series = classes.map((c) => ({ name: c, values: report.timeline.map((t) => t.visible[c] ?? 0) }));
  const a = report.analysis;
  const v = report.video;
  const q = report.quality;
  return (
    <>
      <div className="grid2">
        <section className="card" aria-labelledby="counts-title" data-testid="report-counts">
          <h2 id="counts-title">
            {total} unique object{total === 1 ? '' : 's'}
          </h2>
          {classes.length === 0 ? (
            <p className="muted">No objects were found in this video.</p>
          ) : (
            <>
              <BarChart label="Unique objects per class" data={classes.map((c) => ({ label: c, value: report.counts[c] }))} />
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Class</th>
                    <th scope="col" className="n">
                      Unique
                    </th>
                    <th scope="col" className="n">
                      Most at once
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {classes.map((c) => (
                    <tr key={c} data-testid="count-row" data-class={c}>
                      <th scope="row">{c}</th>
                      <td className="n" data-testid="count-value">
                        {report.counts[c]}
                      </td>
                      <td className="n">{report.peak[c] ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="timeline-title" data-testid="report-timeline">
          <h2 id="timeline-title">Visible over time</h2>
          {series.length ? (
            <LineChart series={series} seconds={report.timeline.length} label="Objects visible at once, per second and class" />
          ) : (
            <p className="muted">Nothing to plot.</p>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="objects-title">
        <h2 id="objects-title">Objects</h2>
        {videoDeleted && <p className="muted">The source video has been deleted (retention): thumbnails not made before then are unavailable.</p>}
        <div className="table-wrap">
          <table className="objects" data-testid="report-objects">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Best frame</th>
                <th scope="col">Class</th>
                <th scope="col" className="n">
                  First seen
                </th>
                <th scope="col" className="n">
                  Last seen
                </th>
                <th scope="col" className="n">
                  Frames
                </th>
                <th scope="col" className="n">
                  Confidence
                </th>
              </tr>
            </thead>
            <tbody>
              {report.objects.map((o) => (
                <tr key={o.id} data-testid="object-row">
                  <td className="n">{o.id}</td>
                  <td>
                    <img
                      className="thumb"
                      loading="lazy"
                      decoding="async"
                      width={160}
                      height={90}
                      src={`/v1/jobs/${jobId}/objects/${o.id}/thumbnail.jpg`}
                      alt={`${o.class} #${o.id} at ${o.best.timeSec.toFixed(2)} s`}
                      data-testid="object-thumbnail"
                      onError={(e) => e.currentTarget.classList.add('missing')}
                    />
                  </td>
                  <td>{o.class}</td>
                  <td className="n">{o.firstSec.toFixed(2)} s</td>
                  <td className="n">{o.lastSec.toFixed(2)} s</td>
                  <td className="n">{o.frames}</td>
                  <td className="n">{percent(o.maxConf)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <div className="grid2">
        <section className="card" aria-labelledby="quality-title" data-testid="report-quality">
          <h2 id="quality-title">Quality flags</h2>
          <dl className="facts">
            <dt>Short tracks dropped</dt>
            <dd>
              {q.droppedTracks} <span className="muted small">flicker or duplicates, not counted</span>
            </dd>
            <dt>Class changes</dt>
            <dd>
              {q.classFlips} <span className="muted small">objects whose class varied (majority reported)</span>
            </dd>
            <dt>Scene cuts</dt>
            <dd>
              {q.sceneCuts} <span className="muted small">no object is carried across a cut</span>
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="settings-title" data-testid="report-settings">
          <h2 id="settings-title">Analysis settings</h2>
          <dl className="facts">
            <dt>Video</dt>
            <dd>
              {v.width}×{v.height}, {v.fps} fps, {formatSeconds(v.durationSec)}
            </dd>
            <dt>Frames analysed</dt>
            <dd>
              {a.framesAnalysed} (every {a.stride === 1 ? 'frame' : `${a.stride} frames`})
            </dd>
            <dt>Model</dt>
            <dd>
              {a.model} at {a.inputSize[0]}×{a.inputSize[1]}, {a.executionProvider}{a.precision === 'fp16' ? ' (fp16)' : ''}
            </dd>
            <dt>Thresholds</dt>
            <dd>
              confidence ≥ {a.conf}, IoU {a.iou}
            </dd>
            <dt>Processing time</dt>
            <dd>
              {formatSeconds(report.timings.wallMs / 1000)} ({report.timings.fps.toFixed(1)} frames/s)
            </dd>
            <dt>Tally version</dt>
            <dd>{a.tallyVersion}</dd>
          </dl>
        </section>
      </div>
    </>
  );
}
