import { describe, expect, it } from '@jest/globals';
import { isFreshOnline, isValidAt, pointInTime, pointInTimeJoin } from './pit.js';

describe('point-in-time and TTL semantics', () => {
  const rows = [10, 20, 30, 40].map((t) => ({ eventTime: t, value: `v${t}` }));

  it('takes the latest value at or before the label time, never a future one', () => {
    expect(pointInTime(rows, 25, 100)?.value).toBe('v20');
    expect(pointInTime(rows, 30, 100)?.value).toBe('v30');
    expect(pointInTime(rows, 9, 100)).toBeUndefined();
    expect(pointInTime(rows, 1000, 10_000)?.value).toBe('v40');
  });

  it('returns nothing (not an older value) when the latest is past its TTL', () => {
    expect(pointInTime(rows, 35, 5)).toBeUndefined(); // v30 is 5 old: age must be < ttl
    expect(pointInTime(rows, 34, 5)?.value).toBe('v30');
    expect(isValidAt(30, 30, 1)).toBe(true);
    expect(isValidAt(31, 30, 100)).toBe(false);
  });

  it('prefers the later-appended row on equal event times', () => {
    const dup = [{ eventTime: 10, value: 'first' }, { eventTime: 10, value: 'second' }];
    expect(pointInTime(dup, 10, 5)?.value).toBe('second');
  });

  it('joins labels to their key rows in input order', () => {
    const byKey = new Map([['a', rows], ['b', [{ eventTime: 5, value: 'b5' }]]]);
    const out = pointInTimeJoin([{ key: 'b', at: 6 }, { key: 'a', at: 21 }, { key: 'c', at: 50 }, { key: 'a', at: 5 }], byKey, 100);
    expect(out.map((r) => r?.value)).toEqual(['b5', 'v20', undefined, undefined]);
  });

  it('online reads tolerate one second of clock skew but never serve past the TTL', () => {
    expect(isFreshOnline(1500, 1000, 10_000)).toBe(true);
    expect(isFreshOnline(2500, 1000, 10_000)).toBe(false);
    expect(isFreshOnline(0, 9_999, 10_000)).toBe(true);
    expect(isFreshOnline(0, 10_000, 10_000)).toBe(false);
  });
});
