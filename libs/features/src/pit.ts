/**
 * Point-in-time and TTL semantics, in one place. A feature value with event time e is valid at time t
 * iff  t - ttl < e <= t  (it exists by t and is younger than the TTL). Offline joins, online reads and Redis
 * key expiry (at e + ttl) all follow this rule; the SQL in offline-store.ts is the same predicate.
 */

export interface TimedValue<T> {
  /** Event time, ms since epoch. */
  eventTime: number;
  value: T;
}

/** Reads tolerate this much clock difference between the process that computed a value and the reader. */
export const CLOCK_SKEW_MS = 1000;

export function isValidAt(eventTime: number, at: number, ttlMs: number): boolean {
  return eventTime <= at && at - eventTime < ttlMs;
}

/** Online variant: a value stamped slightly in the future (another host's clock) is served with age 0. */
export function isFreshOnline(eventTime: number, now: number, ttlMs: number): boolean {
  return eventTime <= now + CLOCK_SKEW_MS && now - eventTime < ttlMs;
}

/** Index of the last element with eventTime <= at in rows sorted by eventTime ascending, or -1. */
export function lastAtOrBefore<T>(rows: ReadonlyArray<TimedValue<T>>, at: number): number {
  let lo = 0, hi = rows.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.eventTime <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The value a training row at time `at` may see: the latest at or before `at`, unless it is past the TTL
 * (then nothing, never an older one). `rows` sorted by eventTime ascending; for equal event times the later
 * element wins (it was appended later).
 */
export function pointInTime<T>(rows: ReadonlyArray<TimedValue<T>>, at: number, ttlMs: number): TimedValue<T> | undefined {
  const i = lastAtOrBefore(rows, at);
  if (i < 0) return undefined;
  const r = rows[i]!;
  return isValidAt(r.eventTime, at, ttlMs) ? r : undefined;
}

/**
 * Point-in-time join in memory (the reference the SQL join is tested against): per label, a binary search
 * in its key's rows (sorted by event time). Returns the chosen row per label, in input order.
 */
export function pointInTimeJoin<T>(
  labels: ReadonlyArray<{ key: string; at: number }>,
  rowsByKey: ReadonlyMap<string, ReadonlyArray<TimedValue<T>>>,
  ttlMs: number,
): Array<TimedValue<T> | undefined> {
  return labels.map((l) => {
    const rows = rowsByKey.get(l.key);
    return rows ? pointInTime(rows, l.at, ttlMs) : undefined;
  });
}
