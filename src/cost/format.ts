import type { CostEstimate, CostInputs } from './types.js';

/** Left-aligned text columns, numbers right-aligned. */
function grid(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^-?[\d,.$]+%?$|^—$/.test(r[c] ?? '')));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const usd = (x: number | null): string =>
  x === null ? '—' : `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: x !== 0 && Math.abs(x) < 1 ? 4 : 2 })}`;
/** Unit prices keep their list precision ($3.673385/h), up to 6 decimals. */
const unitUsd = (x: number): string => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
const num = (x: number | null): string => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: 4 }));

/** The estimate as readable sections: source, steps, line items, people, totals, sensitivity, warnings. */
export function formatCostTable(e: CostEstimate, inputs: CostInputs): string {
  const out: string[] = [];
  out.push(
    `Tally cost estimate — ${inputs.videosPerBurst} videos at once, ${inputs.durationSeconds} s at ${inputs.fps} fps, stride ${inputs.stride}, ` +
      `deadline ${inputs.deadlineMinutes} min, ${inputs.model} ${inputs.inputWidth}x${inputs.inputHeight} ${inputs.precision} on ${inputs.gpu}`,
  );
  out.push(`Throughput source: ${e.throughputSource.kind === 'profile' ? 'MEASURED' : 'BUILT-IN ESTIMATE'} — ${e.throughputSource.description}`);
  out.push(`  entry: ${e.throughputSource.entry}`);
  out.push(`Prices: ${e.priceTable.id} (${e.priceTable.currency}) — ${e.priceTable.note}`);
  out.push('');
  if (!e.feasible) out.push(`IMPOSSIBLE: ${e.impossible?.reason}`, '');
  out.push('Steps');
  out.push(grid(['step', 'value', 'unit', 'how'], e.steps.map((s) => [s.name, num(s.value), s.unit, s.formula])));
  out.push('');
  out.push('Monthly line items');
  out.push(
    grid(
      ['item', 'quantity', 'unit', 'unit price', 'monthly'],
      e.lineItems.map((i) => [i.item, num(i.quantity), i.unit, unitUsd(i.unitPriceUsd), usd(i.monthlyUsd)]),
    ),
  );
  out.push('');
  out.push('People');
  out.push(
    grid(
      ['role', 'build days', 'build', 'maintenance FTE', 'monthly'],
      e.people.map((p) => [p.role, num(p.buildDays), usd(p.buildUsd), num(p.maintenanceFte), usd(p.monthlyUsd)]),
    ),
  );
  out.push('');
  out.push('Totals');
  out.push(
    grid(
      ['figure', 'value'],
      [
        ['GPUs (inference VMs)', e.gpus === null ? 'impossible' : String(e.gpus)],
        [`VM shape`, `${e.vm.machineType}${e.vm.accelerator ? ` + ${e.vm.accelerator}` : ''} at ${unitUsd(e.vm.hourlyUsd)}/h`],
        ['build (one-off)', usd(e.build.total)],
        ['monthly infrastructure', usd(e.monthly?.infrastructure ?? null)],
        ['monthly people (maintenance)', usd(e.monthly?.people ?? null)],
        ['monthly total', usd(e.monthly?.total ?? null)],
        ['first year (build + 12 months)', usd(e.firstYearTotal)],
        ['video-minutes per month', num(e.videoMinutesPerMonth)],
        ['cost per video', usd(e.costPerVideo)],
        ['cost per video-minute', usd(e.costPerVideoMinute)],
        ['  of which infrastructure', usd(e.costPerVideoMinuteInfrastructure)],
        [`break-even price per minute (margin ${inputs.margin})`, usd(e.breakEvenPricePerMinute)],
      ],
    ),
  );
  out.push('');
  out.push('Sensitivity (everything else unchanged)');
  out.push(
    grid(
      ['stride', 'precision', 's/video', 'GPUs', 'monthly total', '$/video-min', 'note'],
      e.sensitivity.map((r) => [
        String(r.stride),
        r.precision,
        num(r.perVideoSeconds),
        r.gpus === null ? '—' : String(r.gpus),
        usd(r.monthlyTotal),
        usd(r.costPerVideoMinute),
        r.reason ?? '',
      ]),
    ),
  );
  if (e.warnings.length > 0) {
    out.push('');
    out.push('Warnings');
    for (const w of e.warnings) out.push(`- ${w}`);
  }
  return `${out.join('\n')}\n`;
}
