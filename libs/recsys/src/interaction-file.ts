import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { RecsysError } from './recsys.errors.js';
import type { JobFeatures, TrainingSnapshot } from './types.js';

export type InteractionFormat = 'movielens' | 'csv' | 'jsonl';
export interface InteractionRow { user: string; item: string; rating: number; time: number }
export interface InteractionFile { rows: InteractionRow[]; itemFeatures?: Map<string, Omit<JobFeatures, 'id'>> }

const pickKey = (o: Record<string, unknown>, keys: string[]): unknown => { for (const k of keys) if (o[k] !== undefined && o[k] !== '') return o[k]; return undefined; };

/**
 * Read interactions: MovieLens `u.data` style (user \t item \t rating \t timestamp; titles and genres from a
 * neighbouring u.item become item content), CSV with a header, or JSON lines. Column names accepted:
 * user|candidate|user_id|candidate_id, item|job|item_id|job_id, rating|weight|value, timestamp|time|ts.
 */
export function readInteractionFile(path: string, format: InteractionFormat): InteractionFile {
  if (!existsSync(path)) throw new RecsysError('INVALID_INPUT', `file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  const rows: InteractionRow[] = [];
  const fromObject = (o: Record<string, unknown>, line: number): void => {
    const user = pickKey(o, ['user', 'candidate', 'user_id', 'candidate_id', 'userId', 'candidateId']);
    const item = pickKey(o, ['item', 'job', 'item_id', 'job_id', 'itemId', 'jobId']);
    if (user === undefined || item === undefined) throw new RecsysError('INVALID_INPUT', `${path}:${line}: a row needs a user (or candidate) and an item (or job) column`);
    const rating = Number(pickKey(o, ['rating', 'weight', 'value']) ?? 1);
    const t = pickKey(o, ['timestamp', 'time', 'ts']);
    const time = t === undefined ? line : typeof t === 'number' ? t : /^\d+(\.\d+)?$/.test(String(t)) ? Number(t) : Date.parse(String(t)) / 1000;
    if (!Number.isFinite(rating) || !Number.isFinite(time)) throw new RecsysError('INVALID_INPUT', `${path}:${line}: rating and time must be numbers`);
    rows.push({ user: String(user), item: String(item), rating, time });
  };
  if (format === 'movielens') {
    text.split('\n').forEach((line, n) => {
      if (!line.trim()) return;
      const f = line.split(line.includes('\t') ? '\t' : line.includes('::') ? '::' : ',');
      if (f.length < 2) throw new RecsysError('INVALID_INPUT', `${path}:${n + 1}: expected user, item, rating, timestamp`);
      rows.push({ user: f[0]!.trim(), item: f[1]!.trim(), rating: f[2] !== undefined ? Number(f[2]) : 1, time: f[3] !== undefined ? Number(f[3]) : n });
    });
    const itemPath = join(dirname(path), 'u.item'), genrePath = join(dirname(path), 'u.genre');
    if (existsSync(itemPath) && existsSync(genrePath)) {
      const genres = readFileSync(genrePath, 'latin1').split('\n').filter((l) => l.includes('|')).map((l) => l.split('|')[0]!);
      const itemFeatures = new Map<string, Omit<JobFeatures, 'id'>>();
      for (const line of readFileSync(itemPath, 'latin1').split('\n')) {
        const f = line.split('|');
        if (f.length < 6) continue;
        const flags = f.slice(f.length - genres.length);
        itemFeatures.set(f[0]!, { title: f[1]!, skills: genres.filter((_, g) => flags[g] === '1') });
      }
      return { rows, itemFeatures };
    }
  } else if (format === 'csv') {
    const recs = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
    recs.forEach((o, n) => fromObject(o, n + 2));
  } else if (format === 'jsonl') {
    text.split('\n').forEach((line, n) => {
      if (!line.trim()) return;
      let o: unknown;
      try { o = JSON.parse(line); } catch { throw new RecsysError('INVALID_INPUT', `${path}:${n + 1}: not valid JSON`); }
      fromObject(o as Record<string, unknown>, n + 1);
    });
  } else {
    throw new RecsysError('INVALID_INPUT', `unknown format ${String(format)} (movielens, csv or jsonl)`);
  }
  return { rows };
}

export interface BenchmarkData {
  snapshot: TrainingSnapshot;
  userIds: string[];
  itemIds: string[];
  /** Relevant test items per user index (only users with at least one). */
  relevant: Map<number, Set<number>>;
  hasContent: boolean;
}

const byId = (a: string, b: string): number => {
  const na = Number(a), nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Index users and items over both files (items sorted by id, so index order breaks ties by id), keep training rows
 * (rating ≥ threshold when given) as interactions and test rows (same rule) as relevant items.
 */
export function prepareBenchmark(train: InteractionFile, test: InteractionFile, threshold?: number): BenchmarkData {
  const keep = (r: InteractionRow): boolean => threshold === undefined || r.rating >= threshold;
  const userIds = [...new Set([...train.rows, ...test.rows].map((r) => r.user))].sort(byId);
  const itemIds = [...new Set([...train.rows, ...test.rows].map((r) => r.item))].sort(byId);
  const uIx = new Map(userIds.map((u, i) => [u, i])), iIx = new Map(itemIds.map((u, i) => [u, i]));
  const tr = train.rows.filter(keep);
  if (tr.length === 0) throw new RecsysError('EMPTY_TRAINING_SET', 'the training file has no interactions' + (threshold !== undefined ? ` with rating >= ${threshold}` : ''));
  const snapshot: TrainingSnapshot = {
    numCandidates: userIds.length,
    numJobs: itemIds.length,
    interactions: {
      candidate: Int32Array.from(tr, (r) => uIx.get(r.user)!),
      job: Int32Array.from(tr, (r) => iIx.get(r.item)!),
      weight: Float32Array.from(tr, () => 1),
      time: Float64Array.from(tr, (r) => r.time),
    },
  };
  const feats = train.itemFeatures ?? test.itemFeatures;
  if (feats) snapshot.jobs = itemIds.map((id) => ({ id, ...(feats.get(id) ?? {}) }));
  const relevant = new Map<number, Set<number>>();
  for (const r of test.rows) {
    if (!keep(r)) continue;
    const u = uIx.get(r.user)!;
    let s = relevant.get(u);
    if (!s) relevant.set(u, (s = new Set()));
    s.add(iIx.get(r.item)!);
  }
  return { snapshot, userIds, itemIds, relevant, hasContent: !!feats };
}
