import { createHash } from 'node:crypto';
import { EvaluationError } from './evaluation.errors.js';
import { relevanceFromInteractions, splitInteractions, trainingItems, type InteractionRecord, type RelevanceConfig, type SplitProtocol } from './splits.js';

/**
 * The held-out side of a split, ready to rank: per test user the graded targets, the items to keep out of the
 * ranking and the training positives (history for users a model does not know). Pure; the evaluation jobs
 * build it from the market tables, and a test can build it from the same rows to check a stored result.
 */
export interface TestUser {
  user: string;
  /** Held-out relevant items with their grades (best grade of the pair), item id ascending. */
  relevant: Array<[item: string, grade: number]>;
  /** Items of the user's training part (any type read): removed from the ranking and from the targets. */
  seen: string[];
  /** Training items with a positive grade: the history given to a model for a user it was not trained on. */
  history: string[];
  /** Earliest held-out interaction (epoch ms): the "now" for job expiry when ranking for this user. */
  firstTestAt: number;
}

export interface TestSet {
  /** Users with at least one target, ordered by user id (numeric ids numerically). */
  users: TestUser[];
  trainInteractions: number;
  testInteractions: number;
  /** Earliest held-out interaction over all users (epoch ms; NaN when there is none). */
  firstTestAt: number;
  /** Positive training interactions per item (for novelty). */
  itemPopularity: Map<string, number>;
}

export interface TestSetOptions {
  protocol: SplitProtocol;
  relevance: RelevanceConfig;
  /** Keep the user's training items out of the ranking and out of the targets (default true). */
  excludeTraining?: boolean;
}

/** Numeric order for numeric ids ("9" < "10"), plain string order otherwise; a total order either way. */
export function compareUserIds(a: string, b: string): number {
  const na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
  if (na && nb && a.length !== b.length) return a.length - b.length;
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildTestSet(rows: readonly InteractionRecord[], opts: TestSetOptions): TestSet {
  const exclude = opts.excludeTraining ?? true;
  const split = splitInteractions(rows, opts.protocol);
  const relevant = relevanceFromInteractions(split.test, opts.relevance);
  const seenAll = trainingItems(split.train);
  const positives = new Map<string, Set<string>>();
  const itemPopularity = new Map<string, number>();
  for (const r of split.train) {
    if ((opts.relevance.grades[r.type] ?? 0) <= 0) continue;
    let s = positives.get(r.user);
    if (!s) positives.set(r.user, (s = new Set()));
    s.add(r.item);
    itemPopularity.set(r.item, (itemPopularity.get(r.item) ?? 0) + 1);
  }
  const firstTest = new Map<string, number>();
  for (const r of split.test) firstTest.set(r.user, Math.min(firstTest.get(r.user) ?? Infinity, r.at));
  const users: TestUser[] = [];
  for (const user of [...relevant.keys()].sort(compareUserIds)) {
    const seen = seenAll.get(user) ?? new Set<string>();
    const targets = [...relevant.get(user)!].filter(([item]) => !exclude || !seen.has(item)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (targets.length === 0) continue;
    users.push({
      user,
      relevant: targets,
      seen: exclude ? [...seen].sort() : [],
      history: [...(positives.get(user) ?? [])].sort(),
      firstTestAt: firstTest.get(user)!,
    });
  }
  let firstTestAt = NaN;
  for (const t of firstTest.values()) if (!(t >= firstTestAt)) firstTestAt = t;
  return { users, trainInteractions: split.train.length, testInteractions: split.test.length, firstTestAt, itemPopularity };
}

/**
 * Identity of the interactions an evaluation read: SHA-256 over the rows in a canonical order, so two
 * evaluations that read the same data get the same fingerprint whatever the read order or time.
 */
export function datasetFingerprint(rows: readonly InteractionRecord[]): string {
  const sorted = [...rows].sort((a, b) => compareUserIds(a.user, b.user) || a.at - b.at || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const h = createHash('sha256');
  for (const r of sorted) h.update(`${r.user}\t${r.item}\t${r.type}\t${r.at}\n`);
  return h.digest('hex');
}

/** SHA-256 of the ordered user ids: equal for two evaluations of exactly the same users. */
export function usersFingerprint(userIds: readonly string[]): string {
  const h = createHash('sha256');
  for (const u of userIds) h.update(`${u}\n`);
  return h.digest('hex');
}

/** Validates a relevance rule: finite non-negative grades, a positive threshold. */
export function validateRelevance(r: RelevanceConfig): RelevanceConfig {
  for (const [type, g] of Object.entries(r.grades)) {
    if (!(typeof g === 'number' && Number.isFinite(g) && g >= 0)) throw new EvaluationError('INVALID_INPUT', `grade of "${type}" must be a finite number >= 0, got ${String(g)}`);
  }
  if (!(Number.isFinite(r.threshold) && r.threshold > 0)) throw new EvaluationError('INVALID_INPUT', `relevance threshold must be > 0, got ${r.threshold}`);
  if (!Object.values(r.grades).some((g) => g >= r.threshold)) throw new EvaluationError('INVALID_INPUT', `no interaction type reaches the relevance threshold ${r.threshold}`);
  return r;
}
