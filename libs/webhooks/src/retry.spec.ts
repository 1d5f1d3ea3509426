import { describe, expect, it } from '@jest/globals';
import { classifyResponse, MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelayMs } from './retry.js';

describe('webhook retry policy', () => {
  const mid = () => 0.5; // no jitter

  it('grows ×5 from the base and caps at 10 h: 5 s, 25 s, 125 s, 625 s, 3125 s, 15625 s, 10 h', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, 5000, { random: mid }))).toEqual([5000, 25000, 125000, 625000, 3125000, 15625000, MAX_RETRY_DELAY_MS]);
  });

  it('adds at most ±10% jitter', () => {
    expect(retryDelayMs(2, 1000, { random: () => 0 })).toBe(4500);
    expect(retryDelayMs(2, 1000, { random: () => 1 })).toBe(5500);
  });

  it('waits at least as long as Retry-After asks, but never past the cap', () => {
    expect(retryDelayMs(1, 1000, { random: mid, retryAfterMs: 60000 })).toBe(60000);
    expect(retryDelayMs(1, 1000, { random: mid, retryAfterMs: 100 })).toBe(1000);
    expect(retryDelayMs(1, 1000, { random: mid, retryAfterMs: 48 * 3600_000 })).toBe(MAX_RETRY_DELAY_MS);
  });

  it('treats only 2xx as delivered, 410 as gone, everything else (3xx, 4xx, 5xx, no answer) as retry', () => {
    expect([200, 204, 299].map(classifyResponse)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(classifyResponse(410)).toBe('gone');
    expect([301, 302, 400, 429, 500, 503, null].map(classifyResponse)).toEqual(Array(7).fill('retry'));
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
