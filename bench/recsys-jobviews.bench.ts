// Real job views (../shared/datasets/job-views-casestudy, US job board, Nov 2014 – Apr 2015): every strategy on a
// temporal split. Run: `node bench/recsys-build.mjs bench/recsys-jobviews.bench.ts [--dir ../shared/datasets]
//   [--split global,per-applicant] [--test-fraction 0.2] [--strategies a,b] [--params '{"als":{...}}']`
//
// Protocol: every row of Job_Views.csv is a view (weight 1, repeated pairs summed). Two temporal splits: `global` —
// views ordered by View.Start, the last `test-fraction` of them are the test period (by count: the views thin out
// after January, the last 20% of the *time range* holds only ~60 views); `per-applicant` — each applicant's most
// recent distinct jobs (see perApplicantSplit; most applicants have a single session, so the global split is
// almost entirely new applicants and new jobs). Catalogue = every job of the file (sorted by numeric id, so
// ties break by id), candidates = every applicant. Relevant = jobs an applicant viewed in the test period and not
// before; the applicant's training jobs are excluded from the ranking; full catalogue, k = 10. Content features
// as libs/ingest's job-views importer maps them: job title = Position (else Title), description = Title + Industry,
// city; candidate profile = Experience position names and descriptions, desired titles = Positions_Of_Interest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fitRecommender, rankingMetrics, type CandidateFeatures, type JobFeatures, type TrainingSnapshot } from '@app/recsys';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const dir = join(arg('dir', '../shared/datasets'), 'job-views-casestudy');
const TEST_FRACTION = Number(arg('test-fraction', '0.2'));
const strategies = arg('strategies', 'popularity,content,item-knn,user-knn,als,ease,two-tower,hybrid').split(',');
const params = JSON.parse(arg('params', '{}')) as Record<string, unknown>;
const K = 10;
const sec = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(2);

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(readFileSync(join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
const NA = (v: string | undefined): string | undefined => (v === undefined || v === 'NA' || v.trim() === '' ? undefined : v.trim());
const time = (s: string): number => Date.parse(s.replace(' UTC', 'Z').replace(' ', 'T')) / 1000;
const byNumber = (a: string, b: string): number => Number(a) - Number(b);

const views = csv('Job_Views.csv').map((r) => ({ user: r['Applicant.ID']!, job: r['Job.ID']!, t: time(r['View.Start']!), row: r }));
if (views.some((v) => !Number.isFinite(v.t))) throw new Error('unparsable View.Start');
const userIds = [...new Set(views.map((v) => v.user))].sort(byNumber);
const jobIds = [...new Set(views.map((v) => v.job))].sort(byNumber);
const uIx = new Map(userIds.map((u, i) => [u, i])), jIx = new Map(jobIds.map((j, i) => [j, i]));

// job content: first row per job (as the importer)
const jobs: JobFeatures[] = jobIds.map((id) => ({ id }));
const seen = new Set<string>();
for (const v of views) {
  if (seen.has(v.job)) continue;
  seen.add(v.job);
  const r = v.row, city = NA(r['City']);
  jobs[jIx.get(v.job)!] = {
    id: v.job, title: NA(r['Position']) ?? NA(r['Title']), description: [NA(r['Title']), NA(r['Industry'])].filter(Boolean).join('\n'),
    location: { country: 'US', ...(city ? { city } : {}) },
  };
}
const text: string[][] = userIds.map(() => []), titles: string[][] = userIds.map(() => []), cities: (string | undefined)[] = userIds.map(() => undefined);
for (const e of csv('Experience.csv')) {
  const u = uIx.get(e['Applicant.ID']!);
  if (u === undefined) continue; // only applicants who viewed jobs
  for (const k of ['Position.Name', 'Job.Description']) { const v = NA(e[k]); if (v) text[u]!.push(v); }
  cities[u] ??= NA(e['City']);
}
for (const p of csv('Positions_Of_Interest.csv')) {
  const u = uIx.get(p['Applicant.ID']!), v = NA(p['Position.Of.Interest']);
  if (u !== undefined && v) titles[u]!.push(v);
}
const candidates: CandidateFeatures[] = userIds.map((id, u) => ({
  id, profile: text[u]!.join('\n'), desiredTitles: titles[u]!, ...(cities[u] ? { location: { country: 'US', city: cities[u] } } : {}),
}));

type View = (typeof views)[number];
interface Split { label: string; train: View[]; relevant: Map<number, Set<number>> }

/** Global: the last `TEST_FRACTION` of all views (by View.Start) are the test period. */
function globalSplit(): Split {
  const sorted = [...views].sort((a, b) => a.t - b.t);
  const cut = sorted[Math.floor(sorted.length * (1 - TEST_FRACTION))]!.t;
  const train = views.filter((v) => v.t < cut);
  const trainItems = itemsOf(train);
  const relevant = new Map<number, Set<number>>();
  for (const v of views) {
    const u = uIx.get(v.user)!, j = jIx.get(v.job)!;
    if (v.t < cut || trainItems[u]!.has(j)) continue;
    let set = relevant.get(u);
    if (!set) relevant.set(u, (set = new Set()));
    set.add(j);
  }
  return { label: `global temporal split at ${new Date(cut * 1000).toISOString()} (last ${TEST_FRACTION * 100}% of views)`, train, relevant };
}

/**
 * Per applicant: each applicant's distinct jobs ordered by first view; the last round(TEST_FRACTION·n) (at least 1)
 * of applicants with ≥ 2 distinct jobs are held out, with all their views. Other applicants' later views stay in
 * training (the usual caveat of per-user splits).
 */
function perApplicantSplit(): Split {
  const first = new Map<string, Map<string, number>>();
  for (const v of views) {
    let m = first.get(v.user);
    if (!m) first.set(v.user, (m = new Map()));
    m.set(v.job, Math.min(m.get(v.job) ?? Infinity, v.t));
  }
  const held = new Set<string>();
  const relevant = new Map<number, Set<number>>();
  for (const [user, m] of first) {
    if (m.size < 2) continue;
    const order = [...m].sort((a, b) => a[1] - b[1] || byNumber(a[0], b[0])).map(([j]) => j);
    const n = Math.max(1, Math.round(order.length * TEST_FRACTION));
    const test = order.slice(order.length - n);
    for (const j of test) held.add(`${user}|${j}`);
    relevant.set(uIx.get(user)!, new Set(test.map((j) => jIx.get(j)!)));
  }
  return { label: `per-applicant temporal split (each applicant's last ${TEST_FRACTION * 100}% of distinct jobs, applicants with ≥ 2)`, train: views.filter((v) => !held.has(`${v.user}|${v.job}`)), relevant };
}

function itemsOf(train: View[]): Set<number>[] {
  const items: Set<number>[] = userIds.map(() => new Set());
  for (const v of train) items[uIx.get(v.user)!]!.add(jIx.get(v.job)!);
  return items;
}

const line = (name: string, m: Record<string, number>, w: Record<string, number>, fit: string, rec: string): string =>
  `| ${name} | ${m['precision@10']!.toFixed(4)} | ${m['recall@10']!.toFixed(4)} | ${m['ndcg@10']!.toFixed(4)} | ${m['map@10']!.toFixed(4)} | ${w['ndcg@10']!.toFixed(4)} | ${fit} | ${rec} |`;

const bestOf = (ndcg: Record<string, number>) => Object.entries(ndcg).reduce<{ strategy: string; ndcg: number } | null>((b, [strategy, v]) => (b && b.ndcg >= v ? b : { strategy, ndcg: Number(v.toFixed(6)) }), null);
const benchSplits: Record<string, { ndcg: Record<string, number>; best: { strategy: string; ndcg: number } | null }> = {}; // for the BENCH_RESULT line (bench/run.mjs)
async function run(split: Split, key: string): Promise<void> {
  const ndcg: Record<string, number> = {};
  const { train, relevant } = split;
  const snapshot: TrainingSnapshot = {
    numCandidates: userIds.length, numJobs: jobIds.length,
    interactions: {
      candidate: Int32Array.from(train, (v) => uIx.get(v.user)!), job: Int32Array.from(train, (v) => jIx.get(v.job)!),
      weight: new Float32Array(train.length).fill(1), time: Float64Array.from(train, (v) => v.t),
    },
    jobs, candidates,
  };
  const trainItems = itemsOf(train);
  const trainedJobs = new Set(train.map((v) => jIx.get(v.job)!));
  const users = [...relevant.keys()].sort((a, b) => a - b);
  const warmUsers = users.filter((u) => trainItems[u]!.size > 0);
  const pos = new Map(users.map((u, t) => [u, t]));
  let pairs = 0, coldPairs = 0;
  for (const s of relevant.values()) for (const j of s) { pairs++; if (!trainedJobs.has(j)) coldPairs++; }
  const withContent = users.filter((u) => candidates[u]!.profile || candidates[u]!.desiredTitles?.length).length;
  console.log(`\n${split.label}: ${train.length} training views`);
  console.log(`test: ${users.length} applicants (${warmUsers.length} with training views, ${withContent} with a profile or positions of interest), ${pairs} (applicant, job) pairs, ${coldPairs} (${((100 * coldPairs) / pairs).toFixed(1)}%) on jobs without a training view`);
  const rows: string[] = [];
  {
    // random baseline: K distinct random jobs outside the applicant's training items (seeded)
    let s = 12345;
    const rnd = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
    const lists = users.map((u) => {
      const out: number[] = [];
      while (out.length < K) { const j = Math.floor(rnd() * jobIds.length); if (!trainItems[u]!.has(j) && !out.includes(j)) out.push(j); }
      return out;
    });
    const m = rankingMetrics(lists, users.map((u) => relevant.get(u)!), K);
    const w = rankingMetrics(warmUsers.map((u) => lists[pos.get(u)!]!), warmUsers.map((u) => relevant.get(u)!), K);
    rows.push(line('random', m, w, '–', '–'));
    console.log(rows[0]);
  }
  for (const name of strategies) {
    let t0 = performance.now();
    const model = await fitRecommender(name, snapshot, params[name]);
    const fit = sec(t0);
    t0 = performance.now();
    const recs = model.recommendBatch(users, K, { includeExpired: true }).map((r) => r.map((x) => x.job));
    const rec = sec(t0);
    const m = rankingMetrics(recs, users.map((u) => relevant.get(u)!), K);
    const w = rankingMetrics(warmUsers.map((u) => recs[pos.get(u)!]!), warmUsers.map((u) => relevant.get(u)!), K);
    rows.push(line(name, m, w, fit, rec));
    ndcg[name] = m['ndcg@10']!;
    console.log(rows[rows.length - 1]);
  }
  console.log(`\n${split.label}, full catalogue (${jobIds.length} jobs), training items excluded, k = ${K}`);
  console.log(`| strategy | P@10 | R@10 | NDCG@10 | MAP@10 | NDCG@10 (${warmUsers.length} applicants with training views) | train s | recommend s (${users.length}) |\n|---|---|---|---|---|---|---|---|`);
  for (const r of rows) console.log(r);
  benchSplits[key] = { ndcg, best: bestOf(ndcg) };
}

console.log(`job views: ${views.length} views, ${userIds.length} applicants, ${jobIds.length} jobs`);
const which = arg('split', 'global,per-applicant').split(',');
if (which.includes('global')) await run(globalSplit(), 'global');
if (which.includes('per-applicant')) await run(perApplicantSplit(), 'per-applicant');
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'recsys-jobviews', splits: benchSplits })}`);
