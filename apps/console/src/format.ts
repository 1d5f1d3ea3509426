// Display helpers shared by the pages; pure so they are unit-tested.
import type { Job } from './api/types.js';

/** "Berlin, DE", "Berlin, DE · remote", "Remote" or "—". */
export function formatLocation(location: Job['location'] | null | undefined): string {
  if (!location) return '—';
  const place = [location.city, location.country].filter((p): p is string => !!p).join(', ');
  if (location.remote) return place ? `${place} · remote` : 'Remote';
  return place || '—';
}

const PERIOD_LABEL: Record<string, string> = { hour: 'hour', day: 'day', week: 'week', month: 'month', year: 'year' };

/** The posted range as written, e.g. "45,000–60,000 EUR / year"; "—" without a salary. */
export function formatPostedSalary(salary: Job['salary'] | null | undefined, locale = 'en-US'): string {
  if (!salary || (salary.min == null && salary.max == null)) return '—';
  const fmt = (n: number) => n.toLocaleString(locale, { maximumFractionDigits: 2 });
  const range =
    salary.min != null && salary.max != null && salary.min !== salary.max
      ? `${fmt(salary.min)}–${fmt(salary.max)}`
      : fmt((salary.min ?? salary.max) as number);
  const currency = salary.currency ? ` ${salary.currency}` : '';
  const period = salary.period ? ` / ${PERIOD_LABEL[salary.period] ?? salary.period}` : '';
  return `${range}${currency}${period}`;
}

const SPECIAL_LABELS: Record<string, string> = { phd: 'PhD' };

/** "full_time" → "Full time". */
export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  if (SPECIAL_LABELS[value]) return SPECIAL_LABELS[value];
  const s = value.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Choices for react-admin select inputs from an enum's values. */
export function choicesOf(values: readonly string[]): Array<{ id: string; name: string }> {
  return values.map((v) => ({ id: v, name: humanize(v) }));
}
