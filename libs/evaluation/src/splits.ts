import { EvaluationError } from './evaluation.errors.js';
import { SeededRandom, fnv1a } from './rng.js';

export interface InteractionRecord {
  user: string;
  item: string;
  /** e.g. 'impression' | 'click' | 'save' | 'apply' */
  type: string;
  /** epoch milliseconds */
  at: number;
}

export type SplitProtocol =
  | { kind: 'temporal'; cutoff: number }
  | { kind: 'leave_last_n'; n: number }
  | { kind: 'random_ratio'; testRatio: number; seed: number };

export interface RelevanceConfig {
  /** Grade per interaction type; types not listed (e.g. impressions) grade 0. */
  grades: Record<string, number>;
  /** An item is relevant when its best grade is >= threshold. */
  threshold: number;
}

export const DEFAULT_RELEVANCE: RelevanceConfig = { grades: { apply: 3, save: 2, click: 1, impression: 0 }, threshold: 1 };

/** What gets stored with every result: the protocol, its parameters and the relevance rule. */
export interface RecordedProtocol {
  split: SplitProtocol;
  relevance: RelevanceConfig;
  excludeTrainingItems: boolean;
}

export interface Split {
  train: InteractionRecord[];
  test: InteractionRecord[];
  protocol: SplitProtocol;
}

const byTime = (a: InteractionRecord, b: InteractionRecord): number =>
  a.at - b.at || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);

function byUser(rows: readonly InteractionRecord[]): Map<string, InteractionRecord[]> {
  const m = new Map<string, InteractionRecord[]>();
  for (const r of rows) {
    const l = m.get(r.user);
    if (l) l.push(r);
    else m.set(r.user, [r]);
  }
  for (const l of m.values()) l.sort(byTime);
  return m;
}

/**
 * Splits interactions. The result does not depend on the input order, and each user's split depends only
 * on that user's interactions (and the seed), so sharding by user gives the same split.
 * - temporal (the default for job data): train `at < cutoff`, test `at >= cutoff`.
 * - leave_last_n: per user the last n interactions (by time, then item, then type) are test.
 * - random_ratio: per user round(ratio * count) interactions drawn with a seed derived from (seed, user).
 */
export function splitInteractions(rows: readonly InteractionRecord[], protocol: SplitProtocol = { kind: 'temporal', cutoff: Date.now() }): Split {
  const train: InteractionRecord[] = [];
  const test: InteractionRecord[] = [];
  if (protocol.kind === 'temporal') {
    if (!Number.isFinite(protocol.cutoff)) throw new EvaluationError('INVALID_INPUT', 'temporal split needs a finite cutoff');
    for (const r of [...rows].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0) || byTime(a, b))) (r.at < protocol.cutoff ? train : test).push(r);
    return { train, test, protocol };
  }
  const users = byUser(rows);
  const names = [...users.keys()].sort();
  if (protocol.kind === 'leave_last_n') {
    if (!Number.isInteger(protocol.n) || protocol.n < 1) throw new EvaluationError('INVALID_INPUT', 'leave_last_n needs n >= 1');
    for (const u of names) {
      const l = users.get(u)!;
      const cut = Math.max(0, l.length - protocol.n);
      train.push(...l.slice(0, cut));
      test.push(...l.slice(cut));
    }
    return { train, test, protocol };
  }
  if (!(protocol.testRatio > 0 && protocol.testRatio < 1)) throw new EvaluationError('INVALID_INPUT', 'random_ratio needs 0 < testRatio < 1');
  for (const u of names) {
    const l = users.get(u)!;
    const rng = new SeededRandom((protocol.seed ^ fnv1a(u)) >>> 0);
    const idx = l.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nTest = Math.round(protocol.testRatio * l.length);
    const isTest = new Set(idx.slice(0, nTest));
    l.forEach((r, i) => (isTest.has(i) ? test : train).push(r));
  }
  return { train, test, protocol };
}

/** user → item → grade (the best grade over the pair's interactions), keeping only grades >= threshold. */
export function relevanceFromInteractions(rows: readonly InteractionRecord[], config: RelevanceConfig = DEFAULT_RELEVANCE): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const g = config.grades[r.type] ?? 0;
    if (g <= 0 || g < config.threshold) continue;
    let m = out.get(r.user);
    if (!m) out.set(r.user, (m = new Map()));
    m.set(r.item, Math.max(m.get(r.item) ?? 0, g));
  }
  return out;
}

/** user → items seen in training (any interaction type). */
export function trainingItems(rows: readonly InteractionRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = out.get(r.user);
    if (!s) out.set(r.user, (s = new Set()));
    s.add(r.item);
  }
  return out;
}

/** Removes a user's training items from a ranking (the default before scoring a candidate list). */
export function excludeTraining<T extends string>(ranking: readonly T[], seen: ReadonlySet<string> | undefined): T[] {
  return seen && seen.size ? ranking.filter((i) => !seen.has(i)) : [...ranking];
}

export function recordProtocol(split: SplitProtocol, relevance: RelevanceConfig = DEFAULT_RELEVANCE, excludeTrainingItems = true): RecordedProtocol {
  return { split, relevance, excludeTrainingItems };
}
