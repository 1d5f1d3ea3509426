import { ConnectorError } from './connectors.errors.js';

export type RepeatOptions = { every: number } | { pattern: string; tz: string };

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Shortest interval a source may be synced at. */
export const MIN_INTERVAL_MS = 5 * 60_000;

/**
 * A source's schedule: an interval (`30m`, `6h`, `1d`, also `every 6h`) or a 5-field cron expression in UTC
 * (`0 3 * * *`). Null/empty = manual syncs only. Throws INVALID_INPUT naming the field.
 */
export function parseSchedule(raw: string | null | undefined): RepeatOptions | null {
  if (raw === null || raw === undefined || !raw.trim()) return null;
  const s = raw.trim().toLowerCase().replace(/^every\s+/, '');
  const m = /^(\d+)\s*([mhd])$/.exec(s);
  if (m) {
    const every = Number(m[1]) * UNITS[m[2]!]!;
    if (every < MIN_INTERVAL_MS) throw new ConnectorError('INVALID_INPUT', `schedule: at least every 5 minutes (got ${raw})`, { field: 'schedule' });
    return { every };
  }
  const fields = s.split(/\s+/);
  if (fields.length === 5 && fields.every((f) => /^[\d*/,\-]+$/.test(f))) return { pattern: s, tz: 'UTC' };
  throw new ConnectorError('INVALID_INPUT', `schedule: expected an interval like 30m, 6h, 1d or a 5-field cron expression (got ${JSON.stringify(raw)})`, { field: 'schedule' });
}
