import { distanceKm, OCCUPATIONS, type RemotePreference } from './taxonomy.js';

/** Model version stored with each market; bump when generation or utility changes. */
export const MODEL_VERSION = 1;
export const LATENT_DIM = 8;

/** What the ground-truth utility knows about a candidate (kept in `sim_candidate_truth`). */
export interface CandidateTruth {
  occupation: string;
  skills: string[];
  seniorityLevel: number;
  salaryExpectationUsd: number;
  lat: number;
  lon: number;
  remotePreference: RemotePreference;
  latent: number[];
}

/** What the ground-truth utility knows about a job (kept in `sim_job_truth`). */
export interface JobTruth {
  occupation: string;
  skills: string[];
  seniorityLevel: number;
  salaryAnnualMaxUsd: number;
  lat: number;
  lon: number;
  remote: boolean;
  latent: number[];
  /** Intrinsic attractiveness of the posting (brand, benefits), roughly N(0, 0.3). */
  quality: number;
}

export const UTILITY_WEIGHTS = {
  occupation: 1.5,
  adjacentOccupation: 0.5,
  skills: 2.0,
  seniorityGap: 0.5,
  salaryShortfall: 2.0,
  location: 1.0,
  taste: 1.0,
  quality: 1.0,
};

const adjacency = new Map(OCCUPATIONS.map((o) => [o.key, new Set(o.adjacent)]));
// A candidate's skill set is built once (utility is evaluated millions of times by offline evaluation);
// truth objects are treated as immutable.
const skillSets = new WeakMap<CandidateTruth, Set<string>>();
function skillSet(c: CandidateTruth): Set<string> {
  let s = skillSets.get(c);
  if (!s) skillSets.set(c, (s = new Set(c.skills)));
  return s;
}

/** Location fit in [-1, 1]: remote preferences against the job's remote flag and distance. */
export function locationFit(c: CandidateTruth, j: JobTruth): number {
  if (j.remote) return c.remotePreference === 'onsite' ? 0.3 : 1;
  const km = distanceKm(c.lat, c.lon, j.lat, j.lon);
  const near = km < 60 ? 1 : km < 400 ? 0.3 : km < 1500 ? -0.3 : -0.8;
  return c.remotePreference === 'remote' ? Math.min(near, 0) - 0.2 : near;
}

/**
 * Ground-truth utility u(candidate, job): deterministic and noise-free. Higher is better; typical range
 * about -4…+6. Components: occupation match (adjacent occupations count partly), share of the job's
 * skills the candidate has, seniority gap (under-qualification costs twice as much), salary shortfall
 * relative to the expectation, location/remote fit, latent taste (dot product / √dim) and job quality.
 */
export function utility(c: CandidateTruth, j: JobTruth): number {
  const w = UTILITY_WEIGHTS;
  const occ = c.occupation === j.occupation ? w.occupation : adjacency.get(c.occupation)?.has(j.occupation) ? w.adjacentOccupation : 0;
  let overlap = 0;
  if (j.skills.length) {
    const have = skillSet(c);
    for (const s of j.skills) if (have.has(s)) overlap++;
    overlap /= j.skills.length;
  }
  const gap = j.seniorityLevel - c.seniorityLevel;
  const seniority = gap > 0 ? gap : -gap * 0.5;
  const shortfall = c.salaryExpectationUsd > 0 ? Math.max(0, c.salaryExpectationUsd - j.salaryAnnualMaxUsd) / c.salaryExpectationUsd : 0;
  let dot = 0;
  const n = Math.min(c.latent.length, j.latent.length);
  for (let i = 0; i < n; i++) dot += c.latent[i]! * j.latent[i]!;
  const taste = n ? dot / Math.sqrt(n) : 0;
  return occ + w.skills * overlap - w.seniorityGap * seniority - w.salaryShortfall * shortfall + w.location * locationFit(c, j) + w.taste * taste + w.quality * j.quality;
}
