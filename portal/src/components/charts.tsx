/**
 * Two small SVG charts, drawn by hand: a chart library would weigh more than the whole report page.
 * Both scale with their container (viewBox) and carry a text alternative.
 */
export const PALETTE = ['#2447d6', '#e0662b', '#1f9d6b', '#b7309c', '#c9a112', '#5a6b8c', '#d3354d', '#2a9bb5'];

export function BarChart({ data, label }: { data: { label: string; value: number }[]; label: string }) {
  const W = 600;
  const ROW = 30;
  const LEFT = 120;
  const RIGHT = 48;
  const H = Math.max(1, data.length) * ROW + 8;
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${data.map((d) => `${d.label} ${d.value}`).join(', ')}`}>
      {data.map((d, i) => {
        const w = ((W - LEFT - RIGHT) * d.value) / max;
        const y = 4 + i * ROW;
        return (
          <g key={d.label}>
            <text x={LEFT - 8} y={y + ROW / 2} textAnchor="end" dominantBaseline="middle" className="axis-label">
              {d.label}
            </text>
            <rect x={LEFT} y={y + 4} width={Math.max(2, w)} height={ROW - 8} rx={3} fill={PALETTE[i % PALETTE.length]} />
            <text x={LEFT + Math.max(2, w) + 6} y={y + ROW / 2} dominantBaseline="middle" className="value-label">
              {d.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Series {
  name: string;
  values: number[];
}

/** Integer ticks 0..max, at most about 5 of them. */
export function ticks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 5));
  const out: number[] = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/** Objects visible per second, one line per class (a step line: each value holds for its whole second). */
export function LineChart({ series, seconds, label }: { series: Series[]; seconds: number; label: string }) {
  const W = 600;
  const H = 220;
  const M = { top: 12, right: 16, bottom: 30, left: 36 };
  const yTicks = ticks(Math.max(1, ...series.flatMap((s) => s.values)));
  const yMax = yTicks[yTicks.length - 1];
  const n = Math.max(1, seconds);
  const x = (sec: number) => M.left + ((W - M.left - M.right) * sec) / n;
  const y = (v: number) => H - M.bottom - ((H - M.top - M.bottom) * v) / yMax;
  const xStep = Math.max(1, Math.ceil(n / 10));
  const xTicks: number[] = [];
  for (let s = 0; s <= n; s += xStep) xTicks.push(s);
  const path = (values: number[]) => values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i)},${y(v)} L${x(i + 1)},${y(v)}`).join(' ');
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={M.left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle" className="axis-label">
              {t}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} x={x(t)} y={H - M.bottom + 16} textAnchor="middle" className="axis-label">
            {t}s
          </text>
        ))}
        {series.map((s, i) => (
          <path key={s.name} d={path(s.values)} fill="none" stroke={PALETTE[i % PALETTE.length]} strokeWidth={2.5} strokeLinejoin="round" />
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s, i) => (
          <span key={s.name}>
            <i style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
