import { descriptionText } from './html.js';

/** schema.org / feed employment types → the importer's enum; unknown values are dropped (not a reason to reject). */
const EMPLOYMENT: Record<string, string> = {
  full_time: 'full_time', fulltime: 'full_time', full: 'full_time', permanent: 'full_time', regular: 'full_time',
  part_time: 'part_time', parttime: 'part_time', part: 'part_time', per_diem: 'part_time',
  contract: 'contract', contractor: 'contract', freelance: 'contract', temp_to_hire: 'contract',
  temporary: 'temporary', temp: 'temporary', seasonal: 'temporary',
  internship: 'internship', intern: 'internship', trainee: 'internship',
};

export function normalizeEmploymentType(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first !== 'string') return undefined;
  const k = first.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return EMPLOYMENT[k] ?? EMPLOYMENT[k.replace(/_/g, '')];
}

const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR' };
const PERIOD_WORDS: Array<[RegExp, string]> = [
  [/\b(hour|hourly|hr|ph)\b|\/\s*h\b/i, 'hour'],
  [/\b(day|daily)\b/i, 'day'],
  [/\b(week|weekly|wk)\b/i, 'week'],
  [/\b(month|monthly|mo|pcm)\b/i, 'month'],
  [/\b(year|yearly|annual|annually|annum|yr|pa)\b/i, 'year'],
];

export interface ParsedSalary {
  salary_min?: number;
  salary_max?: number;
  salary_currency?: string;
  salary_period?: string;
}

/**
 * Free-text salaries of job feeds: "$50,000 - $70,000 per year", "20 USD/hour", "€45k", "35.50 per hour".
 * Nothing found → {}; the currency and period are only set when named (the importer defaults them).
 */
export function parseSalaryText(text: unknown): ParsedSalary {
  if (typeof text === 'number') return { salary_min: text };
  if (typeof text !== 'string' || !text.trim()) return {};
  const s = text.replace(/(\d),(\d{3})/g, '$1$2');
  const nums = [...s.matchAll(/(\d+(?:\.\d+)?)\s*([kK])?/g)].map((m) => Number(m[1]) * (m[2] ? 1000 : 1)).filter((n) => Number.isFinite(n));
  if (!nums.length) return {};
  const out: ParsedSalary = { salary_min: nums[0] };
  if (nums.length > 1 && nums[1]! >= nums[0]!) out.salary_max = nums[1];
  const code = /\b([A-Z]{3})\b/.exec(s)?.[1];
  const sym = Object.keys(SYMBOLS).find((k) => s.includes(k));
  if (code && code !== 'PER') out.salary_currency = code;
  else if (sym) out.salary_currency = SYMBOLS[sym];
  for (const [re, p] of PERIOD_WORDS) if (re.test(s)) {
    out.salary_period = p;
    break;
  }
  return out;
}

/** schema.org unitText (HOUR, DAY, WEEK, MONTH, YEAR) or Lever's "per-year-salary" → importer period. */
export function normalizePeriod(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  for (const p of ['hour', 'day', 'week', 'month', 'year']) if (s.includes(p)) return p;
  if (s.includes('annual')) return 'year';
  return undefined;
}

/** A date from a feed: ISO, RFC 2822 ("Tue, 10 Nov 2026 10:00:00 GMT"), or epoch milliseconds → ISO string. */
export function normalizeDate(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return new Date(v).toISOString();
  const s = String(v).trim();
  if (/^\d{12,14}$/.test(s)) return new Date(Number(s)).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) return s;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString(); // unparseable: left for the importer to reject with its reason
}

/**
 * A copy of `s` that does not point into a larger string. Parsers (saxes) hand out V8 "sliced" strings that keep
 * their whole input chunk alive; an id kept for the run (expiry, repeat detection) would keep every chunk of the
 * feed. Strings under 13 characters are never sliced.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/**
 * The last step of every connector: description HTML → sanitised text, employment type, dates and a
 * free-text salary standardised, so the row passes the same zod schema as a file import.
 */
export function finishJobRow(row: Record<string, unknown>, rawSalary?: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  if (out.external_id !== undefined) out.external_id = ownString(String(out.external_id).trim().slice(0, 200));
  if (typeof out.title === 'string') out.title = descriptionText(out.title).replace(/\s+/g, ' ');
  if (out.description !== undefined) out.description = descriptionText(String(out.description));
  if (out.company !== undefined && typeof out.company === 'object') out.company = (out.company as { name?: unknown }).name;
  if (out.employment_type !== undefined) {
    const e = normalizeEmploymentType(out.employment_type);
    if (e) out.employment_type = e;
    else delete out.employment_type;
  }
  if (out.salary_period !== undefined) out.salary_period = normalizePeriod(out.salary_period) ?? out.salary_period;
  for (const k of ['posted_at', 'expires_at'] as const) if (out[k] !== undefined) out[k] = normalizeDate(out[k]);
  if (rawSalary !== undefined && out.salary_min === undefined) Object.assign(out, parseSalaryText(rawSalary));
  delete out.url;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
