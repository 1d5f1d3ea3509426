import { FeatureError } from '../features.errors.js';
import type { FeatureSpec, FeatureType, FeatureValue, FeatureViewDefinition, Row } from './types.js';

const NUMERIC_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Checks one value against its declared type and returns it in stored form; undefined/null/NaN become null.
 * Numeric text (Postgres returns bigint and numeric as strings) is accepted for numeric types.
 * Returns `undefined` when the value does not fit the type.
 */
export function coerceValue(type: FeatureType, value: unknown): FeatureValue | undefined {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return null;
  switch (type) {
    case 'float':
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC_TEXT.test(value.trim()) ? Number(value) : undefined;
      if (n === undefined || !Number.isFinite(n)) return undefined;
      if (type === 'int' && !Number.isInteger(n)) return undefined;
      return n;
    }
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'float_list':
      return Array.isArray(value) && value.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (value as number[]) : undefined;
    case 'string_list':
      return Array.isArray(value) && value.every((x) => typeof x === 'string') ? (value as string[]) : undefined;
    case 'sparse_vector': {
      const v = value as { v?: unknown; i?: unknown; x?: unknown };
      if (typeof v !== 'object' || !Number.isInteger(v.v) || !Array.isArray(v.i) || !Array.isArray(v.x) || v.i.length !== v.x.length) return undefined;
      if (!v.i.every((k) => Number.isInteger(k) && (k as number) >= 0) || !v.x.every((k) => typeof k === 'number' && Number.isFinite(k))) return undefined;
      return { v: v.v as number, i: v.i as number[], x: v.x as number[] };
    }
  }
}

const describe = (v: unknown) => (Array.isArray(v) ? 'array' : v instanceof Date ? 'Date' : typeof v === 'string' ? `string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`);

/** The row's values in schema order, checked; a mismatch is a TYPE_MISMATCH naming the view, feature and key. */
export function rowValues(view: FeatureViewDefinition, row: Row, entityKey: string): FeatureValue[] {
  return view.features.map((f: FeatureSpec) => {
    const raw = row[f.name];
    const v = coerceValue(f.type, raw);
    if (v === undefined) {
      throw new FeatureError('TYPE_MISMATCH', `feature view ${view.name}: feature ${f.name} of ${view.entity} ${entityKey} should be ${f.type}, got ${describe(raw)}`, {
        field: f.name, view: view.name, entityKey, expected: f.type,
      });
    }
    return v;
  });
}

/** The entity key of a source or label row: one id, or "<candidateId>:<jobId>". */
export function entityKeyOf(joinKeys: string[], row: Row, where: string): string {
  const parts = joinKeys.map((k) => {
    const v = row[k];
    if (v === null || v === undefined || v === '') throw new FeatureError('INVALID_INPUT', `${where}: ${k} is missing`, { field: k });
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') throw new FeatureError('TYPE_MISMATCH', `${where}: ${k} must be an id, got ${describe(v)}`, { field: k });
    return String(v);
  });
  return parts.join(':');
}

/** Event time from a row; Date, ISO text or epoch ms. */
export function eventTimeOf(column: string, row: Row, where: string): Date {
  const v = row[column];
  const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
  if (v === null || v === undefined) throw new FeatureError('MISSING_TIMESTAMP', `${where}: ${column} is missing`, { field: column });
  if (!d || Number.isNaN(d.getTime())) throw new FeatureError('TYPE_MISMATCH', `${where}: ${column} must be a timestamp, got ${describe(v)}`, { field: column });
  return d;
}
