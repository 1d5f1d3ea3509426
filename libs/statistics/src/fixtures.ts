// Test helper: the scipy reference values (fixtures/reference.json, made by fixtures/make_fixtures.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const reference: any = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/reference.json'), 'utf8'));

/** |actual − expected| ≤ rel·|expected| + abs. */
export function close(actual: number, expected: number, rel = 1e-9, abs = 1e-300): boolean {
  if (expected === Infinity || expected === -Infinity) return actual === expected;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}
