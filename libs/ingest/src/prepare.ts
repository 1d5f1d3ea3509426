import { createHash } from 'node:crypto';
import type { SalaryPeriod } from '@app/market';
import { normalizeLocation } from './location.js';
import { textMinhash } from './minhash.js';
import type { CandidateRow, JobRow, ResumeRow } from './schemas.js';
import { annualSalary, type CurrencyRates } from './salary.js';
import { canonicalSkills, extractSkills } from './skills.js';
import { inferSeniority, normalizeTitle } from './title.js';

export const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Lowercase, punctuation to spaces, whitespace collapsed: the text form hashes and shingles are built from. */
export function normalizeText(s: string | null | undefined): string {
  return (s ?? '').toLowerCase().replace(/[^\p{L}\p{N}+#]+/gu, ' ').trim();
}

/** The text a job's MinHash signature is built from; also rebuilt from stored jobs when an import loads a company. */
export function signatureText(normalizedTitle: string, description: string): string {
  return `${normalizedTitle} ${normalizeText(description)}`;
}

/** "ACME, Inc." → "acme inc" */
export const normalizeCompany = (name: string) => normalizeText(name);

export interface PreparedJob {
  source: string;
  external_id: string;
  company: string | null;
  company_key: string | null;
  title: string;
  normalized_title: string;
  description: string;
  skills: string[];
  city: string | null;
  region: string | null;
  country: string | null;
  remote: boolean;
  salary_min: number | null;
  salary_max: number | null;
  salary_currency: string | null;
  salary_period: SalaryPeriod | null;
  salary_annual_min: number | null;
  salary_annual_max: number | null;
  seniority: string | null;
  employment_type: string | null;
  posted_at: string | null;
  expires_at: string | null;
  status: string;
  /** schema.org directApply (null: the source does not say). */
  direct_apply: boolean | null;
  content_hash: string;
  /** MinHash signature (kept in memory for near-duplicate detection, not stored). */
  minhash: number[];
  lsh_bands: number[];
}

/** Missing-value policy and standardisation for one validated job row (see README). */
export function prepareJob(r: JobRow, source: string, rates: CurrencyRates, base: string): PreparedJob {
  const loc = normalizeLocation({ location: r.location, city: r.city, region: r.region, country: r.country, remote: r.remote });
  const hasSalary = r.salary_min !== undefined || r.salary_max !== undefined;
  const currency = hasSalary ? (r.salary_currency ?? base) : null;
  const period: SalaryPeriod | null = hasSalary ? (r.salary_period ?? 'year') : null;
  const normalizedTitle = normalizeTitle(r.title);
  const description = r.description ?? '';
  const companyKey = r.company ? normalizeCompany(r.company) || null : null;
  const normDescription = normalizeText(description);
  const locationKey = [loc.city, loc.region, loc.country, loc.remote ? 'remote' : ''].map((x) => normalizeText(x)).join('|');
  const { signature, bands } = textMinhash(`${normalizedTitle} ${normDescription}`); // = signatureText(), reusing normDescription
  return {
    source,
    external_id: r.external_id,
    company: r.company ?? null,
    company_key: companyKey,
    title: r.title,
    normalized_title: normalizedTitle,
    description,
    skills: [...new Set([...canonicalSkills(r.skills ?? []), ...extractSkills(`${r.title}\n${description}`)])],
    ...loc,
    salary_min: r.salary_min ?? null,
    salary_max: r.salary_max ?? null,
    salary_currency: currency,
    salary_period: period,
    salary_annual_min: currency && period ? annualSalary(r.salary_min, period, currency, rates, base) : null,
    salary_annual_max: currency && period ? annualSalary(r.salary_max, period, currency, rates, base) : null,
    seniority: r.seniority ?? inferSeniority(r.title),
    employment_type: r.employment_type ?? null,
    posted_at: r.posted_at ? r.posted_at.toISOString() : null,
    expires_at: r.expires_at ? r.expires_at.toISOString() : null,
    status: r.status ?? 'active',
    direct_apply: r.direct_apply ?? null,
    content_hash: sha1([normalizedTitle, companyKey ?? '', locationKey, normDescription].join('\u241e')),
    minhash: signature,
    lsh_bands: bands,
  };
}

export interface PreparedCandidate {
  source: string;
  external_id: string;
  name: string | null;
  email: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  desired_titles: string[];
  skills: string[];
  years_experience: number | null;
  education_level: string | null;
  salary_expectation: number | null;
  preferences: Record<string, unknown>;
  consent_alerts: boolean;
  consent_training: boolean;
  time_zone: string | null;
}

export function prepareCandidate(r: CandidateRow, source: string, rates: CurrencyRates, base: string): PreparedCandidate {
  const loc = normalizeLocation({ location: r.location, city: r.city, region: r.region, country: r.country });
  const period = r.salary_period ?? 'year';
  return {
    source,
    external_id: r.external_id,
    name: r.name ?? null,
    email: r.email ?? null,
    city: loc.city,
    region: loc.region,
    country: loc.country,
    desired_titles: [...new Set((r.desired_titles ?? []).map(normalizeTitle).filter(Boolean))],
    skills: [...new Set([...canonicalSkills(r.skills ?? []), ...extractSkills(r.summary)])],
    years_experience: r.years_experience ?? null,
    education_level: r.education_level ?? null,
    salary_expectation: annualSalary(r.salary_expectation, period, r.salary_currency ?? base, rates, base),
    preferences: { ...(r.preferences ?? {}), ...(loc.remote ? { remote: true } : {}) },
    consent_alerts: r.consent_alerts ?? false,
    consent_training: r.consent_training ?? false,
    time_zone: r.time_zone ?? null,
  };
}

export interface PreparedResume {
  source: string;
  external_id: string;
  candidate_external_id: string;
  category: string | null;
  text: string;
  parsed_skills: string[];
  content_hash: string;
}

export function prepareResume(r: ResumeRow, source: string): PreparedResume {
  return {
    source,
    external_id: r.external_id,
    candidate_external_id: r.candidate_external_id ?? r.external_id,
    category: r.category ?? null,
    text: r.text,
    parsed_skills: extractSkills(r.text),
    content_hash: sha1(normalizeText(r.text)),
  };
}
