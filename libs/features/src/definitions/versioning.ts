import { createHash } from 'node:crypto';
import { FeatureError } from '../features.errors.js';
import { ENTITY_NAMES, FEATURE_TYPES, type FeatureServiceDefinition, type FeatureSpec, type FeatureViewDefinition } from './types.js';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** JSON with object keys sorted at every level, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Whitespace and quote style do not change meaning (and differ between compilers). */
const normaliseCode = (s: string) => s.replace(/\s+/g, '').replace(/["'`]/g, '"');

/** The part of a view that determines its values: schema, source, transform, TTL. Owner and prose are not in it. */
export function viewSignature(v: FeatureViewDefinition): Record<string, unknown> {
  return {
    entity: v.entity,
    ttlSeconds: v.ttlSeconds,
    eventTimeColumn: v.eventTimeColumn,
    asOfEventTime: v.asOfEventTime,
    features: v.features.map((f) => ({ name: f.name, type: f.type, missing: f.missing ?? { strategy: 'null' } })),
    source: v.source.sql.replace(/\s+/g, ' ').trim(),
    transform: v.transform ? { version: v.transform.version, params: v.transform.params ?? {}, code: sha256(normaliseCode(v.transform.fn.toString())) } : null,
  };
}

export function viewFingerprint(v: FeatureViewDefinition): string {
  return sha256(canonicalJson(viewSignature(v)));
}

/** A service's version follows the versions of its views and the features it selects. */
export function serviceFingerprint(s: FeatureServiceDefinition, viewFingerprints: Map<string, string>): string {
  return sha256(canonicalJson(s.views.map((m) => ({ view: m.view, fingerprint: viewFingerprints.get(m.view) ?? null, features: m.features ?? null }))));
}

function assertName(kind: string, name: unknown, field: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new FeatureError('INVALID_DEFINITION', `${kind} name ${JSON.stringify(name)} must match ${NAME} (lower case, digits, underscores)`, { field });
  }
}

export function validateView(v: FeatureViewDefinition): void {
  assertName('feature view', v.name, 'name');
  const where = `feature view ${v.name}`;
  if (!ENTITY_NAMES.includes(v.entity)) throw new FeatureError('INVALID_DEFINITION', `${where}: unknown entity "${v.entity}" (one of ${ENTITY_NAMES.join(', ')})`, { field: 'entity' });
  if (!(Number.isInteger(v.ttlSeconds) && v.ttlSeconds > 0)) throw new FeatureError('INVALID_DEFINITION', `${where}: ttlSeconds must be a positive integer, got ${v.ttlSeconds}`, { field: 'ttlSeconds' });
  if (!v.eventTimeColumn) throw new FeatureError('INVALID_DEFINITION', `${where}: eventTimeColumn is required`, { field: 'eventTimeColumn' });
  if (!v.source?.sql?.trim()) throw new FeatureError('INVALID_DEFINITION', `${where}: source.sql is required`, { field: 'source' });
  if (!v.features.length) throw new FeatureError('INVALID_DEFINITION', `${where}: declares no features`, { field: 'features' });
  const seen = new Set<string>();
  v.features.forEach((f: FeatureSpec, i) => {
    assertName(`${where}: feature`, f.name, `features[${i}].name`);
    if (seen.has(f.name)) throw new FeatureError('DUPLICATE_DEFINITION', `${where}: feature ${f.name} is declared twice`, { field: `features[${i}].name`, name: f.name });
    seen.add(f.name);
    if (!FEATURE_TYPES.includes(f.type)) throw new FeatureError('INVALID_DEFINITION', `${where}: feature ${f.name} has unknown type "${f.type}" (one of ${FEATURE_TYPES.join(', ')})`, { field: `features[${i}].type` });
    const m = f.missing;
    if (m && m.strategy === 'mean' && f.type !== 'float' && f.type !== 'int') {
      throw new FeatureError('INVALID_DEFINITION', `${where}: feature ${f.name}: mean imputation needs a numeric type, not ${f.type}`, { field: `features[${i}].missing` });
    }
  });
}

export function validateService(s: FeatureServiceDefinition, views: Map<string, FeatureViewDefinition>): void {
  assertName('feature service', s.name, 'name');
  if (!s.views.length) throw new FeatureError('INVALID_DEFINITION', `feature service ${s.name} selects no views`, { field: 'views' });
  const seen = new Set<string>();
  s.views.forEach((m, i) => {
    const v = views.get(m.view);
    if (!v) throw new FeatureError('NOT_FOUND', `feature service ${s.name}: unknown feature view "${m.view}"`, { field: `views[${i}].view` });
    if (seen.has(m.view)) throw new FeatureError('DUPLICATE_DEFINITION', `feature service ${s.name}: view ${m.view} is listed twice`, { field: `views[${i}].view` });
    seen.add(m.view);
    for (const f of m.features ?? []) {
      if (!v.features.some((x) => x.name === f)) throw new FeatureError('UNKNOWN_FEATURE', `feature service ${s.name}: view ${m.view} has no feature "${f}"`, { field: `views[${i}].features`, feature: f });
    }
  });
}
