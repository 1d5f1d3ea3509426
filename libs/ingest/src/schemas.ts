import { z } from 'zod';
import { EDUCATION_LEVELS, EMPLOYMENT_TYPES, INTERACTION_TYPES, SALARY_PERIODS, SENIORITIES } from '@app/market';

/** The four kinds of rows the importer accepts. */
export const IMPORT_KINDS = ['jobs', 'candidates', 'resumes', 'interactions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Empty strings, whitespace and the usual missing-value markers (NA, N/A, null) mean "missing". */
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none', 'nan']);
const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && MISSING.has(v.trim().toLowerCase()));
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (blank(v) ? undefined : v), schema.optional());

const text = (max: number) => z.string().trim().max(max);
const requiredText = (max: number, what: string) =>
  z.preprocess((v) => (blank(v) ? undefined : typeof v === 'number' ? String(v) : v), z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`).max(max));

const number = (what: string) =>
  z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.replace(/[,_\s]/g, ''))) : v), z.number({ error: `${what} must be a number` }).finite(`${what} must be a number`));
const nonNegative = (what: string) => number(what).pipe(z.number().min(0, `${what} must not be negative`));

const date = (what: string) =>
  z.preprocess(
    (v) => {
      if (v instanceof Date) return v;
      if (typeof v === 'number') return new Date(v);
      if (typeof v !== 'string') return v;
      // "2014-12-12 20:12:35 UTC" (Job_Views) → ISO
      const s = v.trim().replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(:\d{2})?) ?UTC$/, '$1T$2Z');
      return /^\d{4}-\d{2}-\d{2}/.test(s) ? new Date(s) : new Date(NaN);
    },
    z.date({ error: `${what} must be a date (ISO 8601, e.g. 2026-11-02 or 2026-11-02T09:00:00Z)` }).refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 2100, `${what} must be a valid date between 1970 and 2100`),
  );

/** Enum values are matched case-insensitively with spaces/hyphens as underscores: "Full-Time" → full_time. */
const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase().replace(/[\s-]+/g, '_') : v), z.enum(values, { error: (iss) => `unknown ${what} ${JSON.stringify(iss.input)} (expected one of ${values.join(', ')})` }));

const bool = (what: string) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'y', '1'].includes(s)) return true;
    if (['false', 'no', 'n', '0'].includes(s)) return false;
    return v;
  }, z.boolean({ error: `${what} must be true or false` }));

/** A list given as a JSON array or as a "a; b, c" string. */
const list = (what: string) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(/[;,|]/).map((s) => s.trim()).filter(Boolean) : v), z.array(z.string({ error: `${what} must be a list of strings` }).trim().max(200)).max(500));

const currency = (known: ReadonlySet<string>) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.string().refine((c) => known.has(c), { error: (iss) => `unknown currency ${JSON.stringify(iss.input)} (known: ${[...known].sort().join(', ')})` }));

const externalId = requiredText(200, 'external_id').or(z.number().transform(String));

/** Job posting row. Known currencies come from the currency_rates table. */
export function jobRowSchema(currencies: ReadonlySet<string>) {
  return z
    .object({
      external_id: externalId,
      title: requiredText(300, 'title'),
      company: opt(text(300)),
      description: opt(text(200_000)),
      skills: opt(list('skills')),
      location: opt(text(300)),
      city: opt(text(120)),
      region: opt(text(120)),
      country: opt(text(60)),
      remote: opt(bool('remote')),
      salary_min: opt(nonNegative('salary_min')),
      salary_max: opt(nonNegative('salary_max')),
      salary_currency: opt(currency(currencies)),
      salary_period: opt(enumOf(SALARY_PERIODS, 'salary_period')),
      seniority: opt(enumOf(SENIORITIES, 'seniority')),
      employment_type: opt(enumOf(EMPLOYMENT_TYPES, 'employment_type')),
      posted_at: opt(date('posted_at')),
      expires_at: opt(date('expires_at')),
      status: opt(enumOf(['active', 'expired', 'closed'] as const, 'status')),
      direct_apply: opt(bool('direct_apply')),
    })
    .superRefine((r, ctx) => {
      if (r.salary_min !== undefined && r.salary_max !== undefined && r.salary_min > r.salary_max) {
        ctx.addIssue({ code: 'custom', path: ['salary_min'], message: `salary_min ${r.salary_min} is greater than salary_max ${r.salary_max}` });
      }
      if (r.posted_at && r.expires_at && r.expires_at < r.posted_at) {
        ctx.addIssue({ code: 'custom', path: ['expires_at'], message: 'expires_at is before posted_at' });
      }
    });
}
export type JobRow = z.infer<ReturnType<typeof jobRowSchema>>;

export function candidateRowSchema(currencies: ReadonlySet<string>) {
  return z.object({
    external_id: externalId,
    name: opt(text(200)),
    email: opt(z.string().trim().toLowerCase().pipe(z.email('email is not a valid address'))),
    location: opt(text(300)),
    city: opt(text(120)),
    region: opt(text(120)),
    country: opt(text(60)),
    desired_titles: opt(list('desired_titles')),
    skills: opt(list('skills')),
    summary: opt(text(200_000)),
    years_experience: opt(nonNegative('years_experience').pipe(z.number().max(80, 'years_experience must be at most 80'))),
    education_level: opt(enumOf(EDUCATION_LEVELS, 'education_level')),
    salary_expectation: opt(nonNegative('salary_expectation')),
    salary_currency: opt(currency(currencies)),
    salary_period: opt(enumOf(SALARY_PERIODS, 'salary_period')),
    preferences: opt(z.preprocess((v) => { if (typeof v !== 'string') return v; try { return JSON.parse(v); } catch { return v; } }, z.record(z.string(), z.unknown(), { error: 'preferences must be a JSON object' }))),
    consent_alerts: opt(bool('consent_alerts')),
    consent_training: opt(bool('consent_training')),
    time_zone: opt(z.string().trim().refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, { error: (iss) => `unknown time_zone ${JSON.stringify(iss.input)}` })),
  });
}
export type CandidateRow = z.infer<ReturnType<typeof candidateRowSchema>>;

export const resumeRowSchema = z.object({
  external_id: externalId,
  /** The candidate (same source) the resume belongs to; defaults to external_id. */
  candidate_external_id: opt(requiredText(200, 'candidate_external_id').or(z.number().transform(String))),
  category: opt(text(120)),
  text: requiredText(1_000_000, 'text'),
});
export type ResumeRow = z.infer<typeof resumeRowSchema>;

export const interactionRowSchema = z.object({
  event_id: opt(text(100).min(1)),
  candidate_external_id: requiredText(200, 'candidate_external_id').or(z.number().transform(String)),
  job_external_id: requiredText(200, 'job_external_id').or(z.number().transform(String)),
  /** Source of the job when it differs from the import's source. */
  job_source: opt(text(100)),
  type: enumOf(INTERACTION_TYPES, 'type'),
  occurred_at: date('occurred_at'),
  ranking_id: opt(text(64)),
  experiment_key: opt(text(100)),
  variant: opt(text(100)),
  position: opt(number('position').pipe(z.number().int('position must be an integer').min(0, 'position must not be negative'))),
});
export type InteractionRow = z.infer<typeof interactionRowSchema>;

export interface RowIssue {
  field: string | null;
  reason: string;
}

/** zod issues → one field (the first) and a reason listing every problem of the row. */
export function describeIssues(error: z.ZodError): RowIssue {
  const parts = error.issues.map((i) => {
    const field = i.path.length ? i.path.join('.') : null;
    const msg = i.code === 'invalid_type' && /received undefined/.test(i.message) && field ? `${field} is required` : i.message;
    return { field, msg: field && !msg.startsWith(field) && !msg.includes(field) ? `${field}: ${msg}` : msg };
  });
  return { field: parts[0]?.field ?? null, reason: parts.map((p) => p.msg).join('; ') };
}
