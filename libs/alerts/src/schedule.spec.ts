import { describe, expect, it } from '@jest/globals';
import { alertWindow, applyQuietHours, isValidTimeZone, localToInstant, nextDueAt, WINDOW_CAP_MS } from './schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('nextDueAt in the candidate time zone', () => {
  it('daily: the next local send hour, before and after the spring-forward change in New York', () => {
    const spec = { frequency: 'daily' as const, timeZone: 'America/New_York', sendHour: 9 };
    expect(iso(nextDueAt(spec, at('2026-03-06T20:00:00Z')))).toBe('2026-03-07T14:00:00.000Z'); // EST, UTC-5
    expect(iso(nextDueAt(spec, at('2026-03-07T20:00:00Z')))).toBe('2026-03-08T13:00:00.000Z'); // EDT, UTC-4
  });

  it('a send hour inside the spring-forward gap moves to the end of the gap (02:00 → 03:00 EDT)', () => {
    const spec = { frequency: 'daily' as const, timeZone: 'America/New_York', sendHour: 2 };
    expect(iso(nextDueAt(spec, at('2026-03-08T05:00:00Z')))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localToInstant(2026, 3, 8, 2, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('a repeated fall-back hour is sent once, at its first occurrence', () => {
    const spec = { frequency: 'daily' as const, timeZone: 'America/New_York', sendHour: 1 };
    const first = nextDueAt(spec, at('2026-11-01T03:00:00Z'));
    expect(iso(first)).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
    // Right after it, the same local hour comes again at 06:00Z (01:00 EST): not due again until the next day.
    expect(iso(nextDueAt(spec, first))).toBe('2026-11-02T06:00:00.000Z');
  });

  it('Berlin autumn change: 02:00 local on the change day is the first (summer-time) 02:00', () => {
    const spec = { frequency: 'daily' as const, timeZone: 'Europe/Berlin', sendHour: 2 };
    expect(iso(nextDueAt(spec, at('2026-10-24T12:00:00Z')))).toBe('2026-10-25T00:00:00.000Z');
  });

  it('half-hour zones: 09:00 in Kolkata is 03:30 UTC', () => {
    expect(iso(nextDueAt({ frequency: 'daily', timeZone: 'Asia/Kolkata', sendHour: 9 }, at('2026-06-01T00:00:00Z')))).toBe('2026-06-01T03:30:00.000Z');
  });

  it('weekly: the next chosen weekday (Monday by default) at the send hour', () => {
    // 2026-11-27 is a Friday.
    expect(iso(nextDueAt({ frequency: 'weekly', timeZone: 'Europe/Berlin', sendHour: 8 }, at('2026-11-27T10:00:00Z')))).toBe('2026-11-30T07:00:00.000Z');
    expect(iso(nextDueAt({ frequency: 'weekly', timeZone: 'Europe/Berlin', sendHour: 8, sendWeekday: 5 }, at('2026-11-27T06:00:00Z')))).toBe('2026-11-27T07:00:00.000Z');
    expect(iso(nextDueAt({ frequency: 'weekly', timeZone: 'Europe/Berlin', sendHour: 8, sendWeekday: 5 }, at('2026-11-27T07:00:00Z')))).toBe('2026-12-04T07:00:00.000Z');
  });

  it('instant: one interval later, deferred to the end of quiet hours', () => {
    const spec = { frequency: 'instant' as const, timeZone: 'Europe/Berlin', sendHour: 0, quietStart: 22, quietEnd: 7 };
    expect(iso(nextDueAt(spec, at('2026-06-10T10:00:00Z')))).toBe('2026-06-10T10:01:00.000Z');
    // 23:30 in Berlin (CEST) → 07:00 the next morning
    expect(iso(nextDueAt(spec, at('2026-06-10T21:29:00Z')))).toBe('2026-06-11T05:00:00.000Z');
    // 03:00 local, after midnight, still quiet → 07:00 the same day
    expect(iso(applyQuietHours(at('2026-06-11T01:00:00Z'), spec))).toBe('2026-06-11T05:00:00.000Z');
  });

  it('a daily send hour inside non-wrapping quiet hours moves to the end of the quiet period', () => {
    const spec = { frequency: 'daily' as const, timeZone: 'UTC', sendHour: 13, quietStart: 12, quietEnd: 14 };
    expect(iso(nextDueAt(spec, at('2026-06-10T00:00:00Z')))).toBe('2026-06-10T14:00:00.000Z');
  });
});

describe('alertWindow', () => {
  it('starts at the last successful send, capped at 1 h / 1 d / 7 d', () => {
    const end = at('2026-06-10T12:00:00Z');
    expect(alertWindow('daily', end - 3_600_000, end)).toEqual({ since: end - 3_600_000, until: end });
    expect(alertWindow('daily', end - 3 * 86_400_000, end).since).toBe(end - WINDOW_CAP_MS.daily);
    expect(alertWindow('weekly', null, end).since).toBe(end - 7 * 86_400_000);
    expect(alertWindow('instant', end - 86_400_000, end).since).toBe(end - 3_600_000);
  });
});

describe('isValidTimeZone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
