import { ConnectorError } from './connectors.errors.js';

/**
 * Per-source field mapping: job row field → path in the source record (`a.b.0.c`), or a list of paths (the first
 * present wins), or `{ const: value }`. Applied on top of the connector's default mapping, so a source maps only
 * what differs (e.g. `{ "external_id": "guid", "company": { "const": "Acme" } }`).
 */
export type FieldSpec = string | string[] | { const: unknown };
export type FieldMapping = Record<string, FieldSpec>;

export const JOB_FIELDS = ['external_id', 'title', 'company', 'description', 'skills', 'location', 'city', 'region', 'country', 'remote', 'salary_min', 'salary_max', 'salary_currency', 'salary_period', 'seniority', 'employment_type', 'posted_at', 'expires_at', 'status', 'direct_apply', 'url'] as const;

/** Checks a mapping given by a user: known target fields, string paths. Throws ConnectorError INVALID_INPUT. */
export function parseMapping(value: unknown): FieldMapping {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConnectorError('INVALID_INPUT', 'mapping must be a JSON object of field → path', { field: 'mapping' });
  const out: FieldMapping = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(JOB_FIELDS as readonly string[]).includes(k)) throw new ConnectorError('INVALID_INPUT', `mapping: unknown job field ${JSON.stringify(k)} (expected one of ${JOB_FIELDS.join(', ')})`, { field: 'mapping' });
    const ok = typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string')) || (typeof v === 'object' && v !== null && 'const' in v);
    if (!ok) throw new ConnectorError('INVALID_INPUT', `mapping: ${k} must be a path string, a list of paths or { "const": value }`, { field: 'mapping' });
    out[k] = v as FieldSpec;
  }
  return out;
}

export function getPath(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

export function resolveSpec(record: unknown, spec: FieldSpec): unknown {
  if (typeof spec === 'object' && !Array.isArray(spec)) return spec.const;
  for (const p of Array.isArray(spec) ? spec : [spec]) {
    const v = getPath(record, p);
    if (present(v)) return v;
  }
  return undefined;
}

/** Row = default mapping overlaid with the source's own mapping, applied to one source record. */
export function applyMapping(record: unknown, defaults: FieldMapping, custom: FieldMapping = {}): Record<string, unknown> {
  const spec = { ...defaults, ...custom };
  const row: Record<string, unknown> = {};
  for (const [field, s] of Object.entries(spec)) {
    const v = resolveSpec(record, s);
    if (present(v)) row[field] = v;
  }
  return row;
}
