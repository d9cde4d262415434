import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { ProgressBar } from '../components/progress.js';
import { formatBytes, formatDay, formatMinutes, formatMoney, formatSeconds } from '../format.js';
import { useMe } from '../session.js';
import type { Invoice, Usage } from '../types.js';

type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'unavailable' } | { state: 'error'; message: string };

/** Billing endpoints may be missing (billing not deployed): 404 means "not available", not an error. */
function useOptional<T>(path: string): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    api<T>(path).then(
      (value) => setV({ state: 'ok', value }),
      (err: unknown) => setV(err instanceof ApiError && (err.status === 404 || err.status === 501) ? { state: 'unavailable' } : { state: 'error', message: err instanceof ApiError ? err.message : 'could not load' }),
    );
  }, [path]);
  return v;
}

export function UsagePage() {
  const me = useMe();
  const usage = useOptional<Usage>('/v1/usage');
  const invoices = useOptional<{ stripeEnabled: boolean; items: Invoice[] }>('/v1/invoices');
  return (
    <>
      <h1>Usage</h1>
      <section className="card" aria-labelledby="period-title" data-testid="usage-summary">
        <h2 id="period-title">This period</h2>
        {usage.state === 'loading' && <p className="muted">Loading…</p>}
        {usage.state === 'unavailable' && <p className="muted">Usage figures are not available on this deployment yet.</p>}
        {usage.state === 'error' && <p className="error">{usage.message}</p>}
        {usage.state === 'ok' && <UsageSummary u={usage.value} />}
      </section>
      <section className="card" aria-labelledby="limits-title">
        <h2 id="limits-title">Your plan: {me.tenant.planName}</h2>
        <dl className="facts">
          <dt>Jobs at once</dt>
          <dd>{me.limits.maxConcurrentJobs}</dd>
          <dt>Per video</dt>
          <dd>
            up to {formatBytes(me.limits.maxFileSizeBytes)} and {formatSeconds(me.limits.maxDurationSec)}
          </dd>
          <dt>Video minutes per month</dt>
          <dd>{me.limits.maxVideoMinutesPerMonth ?? 'no cap'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="invoices-title" data-testid="usage-invoices">
        <h2 id="invoices-title">Invoices</h2>
        {invoices.state === 'loading' && <p className="muted">Loading…</p>}
        {(invoices.state === 'unavailable' || (invoices.state === 'ok' && !invoices.value.stripeEnabled)) && (
          <p className="muted">Invoicing is not enabled: usage is recorded and shown here, nothing is charged.</p>
        )}
        {invoices.state === 'error' && <p className="error">{invoices.message}</p>}
        {invoices.state === 'ok' && invoices.value.stripeEnabled && invoices.value.items.length === 0 && <p className="muted">No invoices yet.</p>}
        {invoices.state === 'ok' && invoices.value.items.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col">Period</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="n">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {invoices.value.items.map((i) => (
                  <tr key={i.id}>
                    <td>{i.hostedInvoiceUrl ? <a href={i.hostedInvoiceUrl} target="_blank" rel="noopener noreferrer">{i.number ?? i.id}</a> : (i.number ?? i.id)}</td>
                    <td className="small">
                      {formatDay(i.periodStart)} – {formatDay(i.periodEnd)}
                    </td>
                    <td>{i.status ?? '—'}</td>
                    <td className="n">{formatMoney(i.total, i.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function UsageSummary({ u }: { u: Usage }) {
  const used = Math.min(1, u.includedSeconds > 0 ? u.videoSeconds / u.includedSeconds : u.videoSeconds > 0 ? 1 : 0);
  return (
    <>
      <p className="muted">
        {formatDay(u.period.start)} – {formatDay(u.period.end)}
      </p>
      <div className="stats">
        <div>
          <span className="stat" data-testid="usage-minutes">
            {formatMinutes(u.videoSeconds)}
          </span>
          <span className="muted" data-testid="usage-jobs">
            analysed ({u.jobs} {u.jobs === 1 ? 'job' : 'jobs'})
          </span>
        </div>
        <div>
          <span className="stat">{formatMinutes(u.includedSeconds)}</span>
          <span className="muted">included</span>
        </div>
        <div>
          <span className="stat">{formatMinutes(u.overageSeconds)}</span>
          <span className="muted">overage</span>
        </div>
        <div>
          <span className="stat" data-testid="usage-charge">
            {formatMoney(u.estimatedCharge.amount, u.estimatedCharge.currency)}
          </span>
          <span className="muted">estimated charge</span>
        </div>
      </div>
      <ProgressBar value={used} label="Included minutes used" />
    </>
  );
}
