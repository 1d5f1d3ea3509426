import { createHash } from 'node:crypto';
import { stream, type Mulberry32 } from './prng.js';
import {
  COMPANY_WORDS_A, COMPANY_WORDS_B, COMPANY_WORDS_C, EDUCATION, EMPLOYMENT, FIRST_NAMES, LAST_NAMES, LOCATIONS, OCCUPATIONS,
  REMOTE_PREFERENCES, SENIORITY_LEVELS, SENIORITY_WORDS, UNITS_PER_USD, occupation, salaryBandUsd, seniorityForYears, titleFor,
  type RemotePreference,
} from './taxonomy.js';
import { LATENT_DIM, type CandidateTruth, type JobTruth } from './utility.js';

export const SIM_SOURCE = 'simulator';
const DAY_MS = 86_400_000;

export interface MarketParams {
  seed: number;
  candidates: number;
  jobs: number;
  days: number;
  /** Start of the simulated period (UTC midnight recommended); part of the market's identity. */
  start: Date;
  /** Number of companies; default scales with jobs (at most 300). */
  companies?: number;
}

export interface SimCompany {
  index: number;
  name: string;
  normalizedName: string;
  locationIndex: number;
  /** Weights over OCCUPATIONS. */
  occupationMix: number[];
}

export interface SimJob {
  index: number;
  externalId: string;
  companyIndex: number;
  title: string;
  normalizedTitle: string;
  description: string;
  skills: string[];
  city: string;
  region: string;
  country: string;
  remote: boolean;
  salaryMin: number;
  salaryMax: number;
  salaryCurrency: string;
  salaryPeriod: 'year';
  salaryAnnualMin: number;
  salaryAnnualMax: number;
  seniority: string;
  employmentType: string;
  postedAt: number;
  expiresAt: number;
  contentHash: string;
  status: 'active' | 'expired';
  /** Weight of the job in the logging policy's popularity component. */
  popularity: number;
  truth: JobTruth;
}

export interface SimCandidate {
  index: number;
  externalId: string;
  name: string;
  email: string;
  city: string;
  region: string;
  country: string;
  desiredTitles: string[];
  skills: string[];
  yearsExperience: number;
  educationLevel: string;
  salaryExpectation: number;
  preferences: { remote?: 'only' | 'preferred' | 'no'; maxDistanceKm?: number; employmentTypes: string[]; minSalary: number };
  consentAlerts: boolean;
  consentTraining: boolean;
  timeZone: string;
  truth: CandidateTruth;
}

export interface SimMarket {
  params: Required<MarketParams>;
  companies: SimCompany[];
  jobs: SimJob[];
  candidates: SimCandidate[];
}

export function defaultCompanyCount(jobs: number): number {
  return Math.max(5, Math.min(300, Math.ceil(jobs / 15)));
}

export function jobExternalId(seed: number, n: number): string {
  return `sim-${seed}-job-${n}`;
}
export function candidateExternalId(seed: number, n: number): string {
  return `sim-${seed}-cand-${n}`;
}

function latent(rng: Mulberry32): number[] {
  const v: number[] = [];
  for (let i = 0; i < LATENT_DIM; i++) v.push(Math.round(rng.normal() * 0.7 * 1e4) / 1e4);
  return v;
}

/** Lowercased title without seniority words (how the simulator fills `normalized_title`). */
export function normalizeSimTitle(title: string): string {
  let t = ` ${title.toLowerCase()} `;
  for (const w of SENIORITY_WORDS) t = t.replace(` ${w} `, ' ');
  return t.trim().replace(/\s+/g, ' ');
}

export function contentHash(normalizedTitle: string, company: string, city: string, description: string): string {
  return createHash('sha1').update(`${normalizedTitle}|${company.toLowerCase()}|${city.toLowerCase()}|${description.toLowerCase().replace(/\s+/g, ' ').trim()}`).digest('hex');
}

export function generateCompanies(seed: number, count: number): SimCompany[] {
  const rng = stream(seed, 'companies');
  const combos = COMPANY_WORDS_A.length * COMPANY_WORDS_B.length * COMPANY_WORDS_C.length;
  const ids = rng.sample(Array.from({ length: combos }, (_, i) => i), Math.min(count, combos));
  return ids.map((id, index) => {
    const a = COMPANY_WORDS_A[id % COMPANY_WORDS_A.length]!;
    const b = COMPANY_WORDS_B[Math.floor(id / COMPANY_WORDS_A.length) % COMPANY_WORDS_B.length]!;
    const c = COMPANY_WORDS_C[Math.floor(id / (COMPANY_WORDS_A.length * COMPANY_WORDS_B.length))]!;
    const name = `${a}${b} ${c}`;
    const r = stream(seed, 'company', index);
    // Each company hires mostly in one or two occupations.
    const main = r.int(OCCUPATIONS.length);
    const second = r.int(OCCUPATIONS.length);
    const occupationMix = OCCUPATIONS.map((_, i) => (i === main ? 6 : 0) + (i === second ? 2 : 0) + 0.3);
    return { index, name, normalizedName: name.toLowerCase(), locationIndex: r.int(LOCATIONS.length), occupationMix };
  });
}

const REMOTE_FRIENDLY = new Set(['software', 'data', 'design', 'marketing', 'customer_support', 'finance', 'hr']);
const LEVEL_WEIGHTS = [0.04, 0.22, 0.34, 0.25, 0.11, 0.04];
const EMPLOYMENT_WEIGHTS = [0.78, 0.07, 0.1, 0.03, 0.02];

const OPENERS = [
  '{company} is hiring {a} {title} {where}.',
  'Join {company} as {a} {title} {where}.',
  '{company} is looking for {a} {title} to join our team {where}.',
];
const SKILL_SENTENCES = [
  'You will work daily with {s0}, {s1} and {s2}.',
  'The role requires solid experience in {s0} and {s1}; {s2} is a plus.',
  'We expect strong {s0} skills and hands-on {s1}, with some {s2}.',
];
const CLOSERS = [
  'We offer a competitive salary, learning budget and flexible hours.',
  'Benefits include health insurance, paid time off and a friendly team.',
  'You will grow with a team that values ownership and clear communication.',
  'Apply with your CV; we answer every application within two weeks.',
];

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
}

export function generateJob(seed: number, n: number, params: Required<MarketParams>, companies: SimCompany[]): SimJob {
  const rng = stream(seed, 'job', n);
  const company = companies[rng.int(companies.length)]!;
  const occIndex = rng.weightedIndex(company.occupationMix);
  const occ = OCCUPATIONS[occIndex]!;
  const level = rng.weightedIndex(LEVEL_WEIGHTS);
  const stem = rng.pick(occ.titles);
  const title = titleFor(stem, level);
  const location = LOCATIONS[rng.chance(0.85) ? company.locationIndex : rng.int(LOCATIONS.length)]!;
  const remote = rng.chance(REMOTE_FRIENDLY.has(occ.key) ? 0.3 : 0.05);
  const skills = rng.sample(occ.skills, 5 + rng.int(4));
  if (rng.chance(0.3)) {
    const adj = occupation(rng.pick(occ.adjacent));
    const extra = rng.pick(adj.skills);
    if (!skills.includes(extra)) skills.push(extra);
  }
  const [bandMin, bandMax] = salaryBandUsd(occ, level);
  const jitter = 0.9 + 0.2 * rng.next();
  const currency = location.currency;
  const rate = UNITS_PER_USD[currency];
  const salaryMin = Math.round((bandMin * location.costFactor * jitter * rate) / 1000) * 1000;
  const salaryMax = Math.round((bandMax * location.costFactor * jitter * rate) / 1000) * 1000;
  const employmentType = level === 0 ? 'internship' : EMPLOYMENT[rng.weightedIndex(EMPLOYMENT_WEIGHTS)]!;
  // Arrivals: 20% of postings are a backlog from the 30 days before the start, the rest arrive uniformly.
  const startMs = params.start.getTime();
  const postedAt = rng.chance(0.2)
    ? startMs - (1 + rng.int(30 * 86_400 - 1)) * 1000
    : startMs + rng.int(params.days * 86_400) * 1000;
  const expiresAt = postedAt + (30 + rng.int(31)) * DAY_MS;
  const where = remote ? '(remote)' : `in ${location.city}`;
  const description = [
    fill(rng.pick(OPENERS), { company: company.name, title, where, a: /^[AEIOU]/.test(title) ? 'an' : 'a' }),
    fill(rng.pick(SKILL_SENTENCES), { s0: skills[0]!, s1: skills[1]!, s2: skills[2]! }),
    `Skills: ${skills.join(', ')}.`,
    rng.pick(CLOSERS),
  ].join(' ');
  const normalizedTitle = normalizeSimTitle(title);
  const salaryAnnualMin = Math.round(salaryMin / rate);
  const salaryAnnualMax = Math.round(salaryMax / rate);
  const quality = Math.round(rng.normal() * 0.3 * 1e4) / 1e4;
  return {
    index: n,
    externalId: jobExternalId(seed, n),
    companyIndex: company.index,
    title,
    normalizedTitle,
    description,
    skills,
    city: location.city,
    region: location.region,
    country: location.country,
    remote,
    salaryMin,
    salaryMax,
    salaryCurrency: currency,
    salaryPeriod: 'year',
    salaryAnnualMin,
    salaryAnnualMax,
    seniority: SENIORITY_LEVELS[level]!,
    employmentType,
    postedAt,
    expiresAt,
    contentHash: contentHash(normalizedTitle, company.name, location.city, description),
    status: expiresAt <= startMs + params.days * DAY_MS ? 'expired' : 'active',
    popularity: Math.exp(2 * quality + 0.5 * rng.normal()),
    truth: {
      occupation: occ.key,
      skills,
      seniorityLevel: level,
      salaryAnnualMaxUsd: salaryAnnualMax,
      lat: location.lat,
      lon: location.lon,
      remote,
      latent: latent(rng),
      quality,
    },
  };
}

const OCCUPATION_WEIGHTS = [1.6, 1.0, 1.2, 1.2, 1.0, 0.9, 0.6, 1.0, 0.9, 0.9, 0.6, 0.6];
const EDUCATION_WEIGHTS = [0.02, 0.2, 0.1, 0.45, 0.2, 0.03];
const REMOTE_PREF_WEIGHTS = [0.3, 0.3, 0.2, 0.2];
const REMOTE_PREF_TO_PROFILE: Record<RemotePreference, 'only' | 'preferred' | 'no' | undefined> = {
  onsite: 'no', hybrid: 'preferred', remote: 'only', any: undefined,
};

export function generateCandidate(seed: number, n: number): SimCandidate {
  const rng = stream(seed, 'candidate', n);
  const occ = OCCUPATIONS[rng.weightedIndex(OCCUPATION_WEIGHTS)]!;
  const years = Math.min(35, Math.max(0, Math.round(Math.exp(1.5 + 0.75 * rng.normal()) * 2) / 2 - 1));
  const level = seniorityForYears(years);
  const location = LOCATIONS[rng.int(LOCATIONS.length)]!;
  const skills = rng.sample(occ.skills, 4 + rng.int(7));
  const extras = rng.int(3);
  for (let i = 0; i < extras; i++) {
    const s = rng.pick(occupation(rng.pick(occ.adjacent)).skills);
    if (!skills.includes(s)) skills.push(s);
  }
  const [bandMin, bandMax] = salaryBandUsd(occ, level);
  const salaryExpectation = Math.round(((bandMin + bandMax) / 2) * location.costFactor * (0.85 + 0.35 * rng.next()) / 1000) * 1000;
  const remotePreference = REMOTE_PREFERENCES[rng.weightedIndex(REMOTE_PREF_WEIGHTS)]!;
  const desiredTitles = rng.sample(occ.titles, 1 + rng.int(2)).map((t) => titleFor(t, level));
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const remote = REMOTE_PREF_TO_PROFILE[remotePreference];
  const employmentTypes = level === 0 ? ['internship', 'full_time'] : rng.chance(0.8) ? ['full_time'] : ['full_time', 'contract'];
  return {
    index: n,
    externalId: candidateExternalId(seed, n),
    name: `${first} ${last}`,
    email: `sim-${seed}-cand-${n}@example.test`,
    city: location.city,
    region: location.region,
    country: location.country,
    desiredTitles,
    skills,
    yearsExperience: years,
    educationLevel: EDUCATION[rng.weightedIndex(EDUCATION_WEIGHTS)]!,
    salaryExpectation,
    preferences: { ...(remote ? { remote } : {}), ...(remotePreference === 'onsite' ? { maxDistanceKm: 50 } : {}), employmentTypes, minSalary: Math.round(salaryExpectation * 0.9) },
    consentAlerts: true,
    consentTraining: true,
    timeZone: location.timeZone,
    truth: {
      occupation: occ.key,
      skills,
      seniorityLevel: level,
      salaryExpectationUsd: salaryExpectation,
      lat: location.lat,
      lon: location.lon,
      remotePreference,
      latent: latent(rng),
    },
  };
}

/** The whole market (without interactions). Every entity has its own seeded stream: same seed → same market. */
export function generateMarket(p: MarketParams): SimMarket {
  const params: Required<MarketParams> = { ...p, companies: p.companies ?? defaultCompanyCount(p.jobs) };
  const companies = generateCompanies(p.seed, params.companies);
  const jobs = Array.from({ length: p.jobs }, (_, n) => generateJob(p.seed, n, params, companies));
  const candidates = Array.from({ length: p.candidates }, (_, n) => generateCandidate(p.seed, n));
  return { params, companies, jobs, candidates };
}
