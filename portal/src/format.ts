/** Display helpers; pure. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 || Number.isInteger(v) ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatSeconds(sec: number): string {
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 1 : 0)} s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec % 60);
  return s === 0 ? `${m} min` : `${m} min ${s.toString().padStart(2, '0')} s`;
}

export function formatMinutes(sec: number): string {
  return `${(sec / 60).toFixed(sec < 600 ? 1 : 0)} min`;
}

export function formatMoney(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export function formatDate(iso: string | undefined | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** "3 person · 1 bus", most frequent first. */
export function countsSummary(counts: Record<string, number> | undefined): string {
  if (!counts) return '';
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([c, n]) => `${n} ${c}`).join(' · ') : 'no objects';
}
