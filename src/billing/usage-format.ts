import { periodLabel } from './billing-period.js';
import type { UsageSummary } from './usage-summary.js';

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(2)} min`;

/** `12.34 usd` from minor units (2-decimal currencies, which is all Tally's plans use). */
export function formatMoney(amountMinor: number, currency: string): string {
  return `${(amountMinor / 100).toFixed(2)} ${currency}`;
}

/** The usage summary as aligned lines for a terminal (`tally usage --format table`). */
export function formatUsageTable(s: UsageSummary): string {
  const rows: [string, string][] = [
    ['Tenant', `${s.tenantId} (plan ${s.plan})`],
    ['Period', `${periodLabel({ start: new Date(s.period.start), end: new Date(s.period.end) })} (${s.period.start} to ${s.period.end}, UTC)`],
    ['Jobs', String(s.jobs)],
    ['Usage', `${s.usageSeconds} s (${minutes(s.usageSeconds)})`],
    ['Credited', `${s.creditedSeconds} s`],
    ['Billable', `${s.videoSeconds} s (${minutes(s.videoSeconds)})`],
    ['Included', `${s.includedSeconds} s (${minutes(s.includedSeconds)})`],
    ['Overage', `${s.overageSeconds} s (${minutes(s.overageSeconds)})`],
    ['Estimated', formatMoney(s.estimatedCharge.amount, s.estimatedCharge.currency)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}
