/**
 * When a subscription is due, in the candidate's IANA time zone (pure: Intl only, no I/O).
 *
 * - daily: the next local `sendHour`:00 after `after`; weekly: the same on `sendWeekday` (1 = Monday … 7 = Sunday);
 *   instant: `after` + the instant interval.
 * - A send hour that does not exist on a day (spring-forward gap) moves to the first instant after the gap; an hour
 *   that occurs twice (fall-back) is taken at its first occurrence.
 * - Quiet hours [quietStart, quietEnd) in local hours (wrapping past midnight when start > end) push a due time
 *   to the end of the quiet period.
 */
export type Frequency = 'instant' | 'daily' | 'weekly';

export interface ScheduleSpec {
  frequency: Frequency;
  timeZone: string;
  sendHour: number;
  sendWeekday?: number | null;
  quietStart?: number | null;
  quietEnd?: number | null;
}

export const INSTANT_INTERVAL_MS = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The window cap per frequency: jobs older than this are never in an alert, whatever the cursor says. */
export const WINDOW_CAP_MS: Record<Frequency, number> = { instant: HOUR, daily: DAY, weekly: 7 * DAY };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the zone (IANA names and their aliases, e.g. UTC). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(instantMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) parts[p.type] = p.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    weekday: WEEKDAYS[parts['weekday']!]!,
  };
}

/** The zone's offset from UTC at an instant, in ms (local = utc + offset). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const l = localTime(instantMs, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The first instant whose local wall-clock time is at or after `y-m-d h:00` in the zone: the exact instant when that
 * local time exists (its first occurrence when it occurs twice), else the end of the gap it falls in.
 */
export function localToInstant(y: number, m: number, d: number, h: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, h);
  // Offsets on either side of the wall time; the earlier one first, so a repeated hour resolves to its first occurrence.
  const candidates = [...new Set([zoneOffsetMs(wall - DAY / 2, timeZone), zoneOffsetMs(wall + DAY / 2, timeZone), zoneOffsetMs(wall, timeZone)])]
    .map((off) => wall - off)
    .sort((a, b) => a - b);
  for (const t of candidates) {
    const l = localTime(t, timeZone);
    if (Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) === wall) return t;
  }
  // In a gap: the wall time never happens; the first instant after it is where the gap ends.
  let lo = wall - zoneOffsetMs(wall - DAY / 2, timeZone) - 3 * HOUR;
  let hi = lo + 6 * HOUR;
  const localMs = (t: number) => t + zoneOffsetMs(t, timeZone);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (localMs(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi / 60_000) * 60_000;
}

function inQuiet(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** Moves an instant that falls in quiet hours to the end of the quiet period (local `quietEnd`:00). */
export function applyQuietHours(instantMs: number, spec: Pick<ScheduleSpec, 'timeZone' | 'quietStart' | 'quietEnd'>): number {
  const { quietStart: qs, quietEnd: qe, timeZone } = spec;
  if (qs === null || qs === undefined || qe === null || qe === undefined) return instantMs;
  const l = localTime(instantMs, timeZone);
  if (!inQuiet(l.hour, qs, qe)) return instantMs;
  // The quiet period ends today, or tomorrow when it wraps past midnight and we are before midnight.
  const tomorrow = qs > qe && l.hour >= qs;
  const base = new Date(Date.UTC(l.year, l.month - 1, l.day + (tomorrow ? 1 : 0)));
  return localToInstant(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), qe, timeZone);
}

/** The next time the subscription is due strictly after `afterMs` (quiet hours applied). */
export function nextDueAt(spec: ScheduleSpec, afterMs: number): number {
  if (spec.frequency === 'instant') return applyQuietHours(afterMs + INSTANT_INTERVAL_MS, spec);
  const today = localTime(afterMs, spec.timeZone);
  for (let i = 0; i <= 8; i++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (spec.frequency === 'weekly' && weekday !== (spec.sendWeekday ?? 1)) continue;
    const at = localToInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), spec.sendHour, spec.timeZone);
    if (at > afterMs) return applyQuietHours(at, spec);
  }
  throw new Error('unreachable: no send time within 8 days');
}

/** The alert window: jobs posted after `max(lastSentAt, windowEnd - cap)` up to `windowEnd`. */
export function alertWindow(frequency: Frequency, lastSentAtMs: number | null, windowEndMs: number): { since: number; until: number } {
  const floor = windowEndMs - WINDOW_CAP_MS[frequency];
  return { since: lastSentAtMs === null ? floor : Math.max(lastSentAtMs, floor), until: windowEndMs };
}
