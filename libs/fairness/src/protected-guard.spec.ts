import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SERVICES, BUILTIN_VIEWS } from '@app/features';
import { candidateFeatures, jobFeatures } from '@app/training';
import { PROTECTED_ATTRIBUTE_NAMES, PROTECTED_ATTRIBUTES_TABLE } from './protected-attributes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** snake_case / camelCase tokens of an identifier: `candidate_age_band` → candidate, age, band, age_band… */
function tokens(identifier: string): string[] {
  const parts = identifier.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set(parts);
  for (let i = 0; i + 1 < parts.length; i++) out.add(`${parts[i]}_${parts[i + 1]}`);
  for (let i = 0; i + 2 < parts.length; i++) out.add(`${parts[i]}_${parts[i + 1]}_${parts[i + 2]}`);
  return [...out];
}

/** Names of a protected attribute found in an identifier (exact token match, so `page` or `usage` never count). */
function protectedIn(identifier: string): string[] {
  const t = new Set(tokens(identifier));
  return PROTECTED_ATTRIBUTE_NAMES.filter((p) => t.has(p));
}

/** Every identifier-like word of a SQL text (column names, aliases, tables). */
function sqlIdentifiers(sql: string): string[] {
  return [...new Set(sql.replace(/'[^']*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(e.name) ? [join(dir, e.name)] : []));
}

/**
 * Protected attributes are for audits only: no feature view (source SQL, feature names, transform parameters), no
 * feature service, and no training-snapshot column may reference them. The list of names is PROTECTED_ATTRIBUTE_NAMES.
 */
describe('protected attributes never reach model features', () => {
  it('the guard itself finds a protected name in an identifier and in SQL (and ignores look-alikes)', () => {
    expect(protectedIn('candidate_age_band_onehot')).toEqual(expect.arrayContaining(['age_band', 'age']));
    expect(protectedIn('genderOneHot')).toEqual(['gender']);
    expect(protectedIn('page_usage_stage')).toEqual([]);
    expect(sqlIdentifiers(`SELECT c.id, p.value FROM ${PROTECTED_ATTRIBUTES_TABLE} p`)).toContain(PROTECTED_ATTRIBUTES_TABLE);
  });

  it('feature views: no source SQL reads the protected table or a protected column; no candidate feature is named after one', () => {
    expect(BUILTIN_VIEWS.length).toBeGreaterThan(5);
    const findings: string[] = [];
    for (const v of BUILTIN_VIEWS) {
      for (const id of sqlIdentifiers(v.source.sql)) {
        if (id.toLowerCase() === PROTECTED_ATTRIBUTES_TABLE) findings.push(`${v.name}: source SQL reads ${id}`);
        // job views may speak of a posting's age; every candidate-side identifier must be clean
        for (const p of protectedIn(id)) if (v.entity !== 'job' || p !== 'age') findings.push(`${v.name}: source SQL identifier ${id} (${p})`);
      }
      for (const f of v.features) for (const p of protectedIn(f.name)) if (v.entity !== 'job' || p !== 'age') findings.push(`${v.name}.${f.name} (${p})`);
      for (const k of Object.keys(v.transform?.params ?? {})) for (const p of protectedIn(k)) findings.push(`${v.name} transform param ${k} (${p})`);
    }
    expect(findings).toEqual([]);
  });

  it('feature services: every referenced view and feature is clean', () => {
    expect(BUILTIN_SERVICES.length).toBeGreaterThan(0);
    const views = new Map(BUILTIN_VIEWS.map((v) => [v.name, v]));
    const findings: string[] = [];
    for (const s of BUILTIN_SERVICES) {
      for (const ref of s.views) {
        const view = views.get(ref.view);
        expect(view).toBeDefined();
        const names = ref.features ?? view!.features.map((f) => f.name);
        for (const n of [ref.view, ...names]) for (const p of protectedIn(n)) if (view!.entity !== 'job' || p !== 'age') findings.push(`${s.name}: ${ref.view}.${n} (${p})`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('training snapshot: its SQL never reads the protected table and its feature mapping drops unknown columns', () => {
    const findings: string[] = [];
    for (const file of [...sourceFiles(join(root, 'libs/training/src')), ...sourceFiles(join(root, 'libs/features/src'))]) {
      const text = readFileSync(file, 'utf8');
      if (text.includes(PROTECTED_ATTRIBUTES_TABLE)) findings.push(`${file.slice(root.length + 1)} references ${PROTECTED_ATTRIBUTES_TABLE}`);
    }
    expect(findings).toEqual([]);
    // Even if a query ever returned a protected column, the snapshot's candidate and job features would not carry it.
    const withProtected = (row: Record<string, unknown>) => ({ ...row, ...Object.fromEntries(PROTECTED_ATTRIBUTE_NAMES.map((p) => [p, 'x'])) });
    const c = candidateFeatures(withProtected({ id: '1', desired_titles: ['engineer'], skills: ['go'], resume: null, city: 'Berlin', country: 'DE', salary_expectation: 50_000, preferences: {} }) as never);
    const j = jobFeatures(withProtected({ id: '2', title: 't', description: 'd', skills: [], city: null, country: null, remote: false, salary_annual_min: null, salary_annual_max: null, seniority: 'mid', employment_type: null, expires_at: null, status: 'active' }) as never);
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => [k, ...(v && typeof v === 'object' && !Array.isArray(v) ? keys(v) : [])]);
    expect(keys(c).flatMap(protectedIn)).toEqual([]);
    expect(keys(j).flatMap(protectedIn)).toEqual([]);
    expect(keys(c)).toEqual(expect.arrayContaining(['id', 'desiredTitles', 'skills', 'location']));
  });
});
