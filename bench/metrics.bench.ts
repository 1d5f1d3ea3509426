// Ranking-metrics benchmark. Run: `node bench/metrics.bench.mjs [--users 1000000] [--sklearn-users 20000]`
// (builds if stale, compiles this file with SWC and runs it on the built @app/evaluation).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate, evaluateEncoded, evaluateSharded, partitionUsers, selfInformationFromCounts, SeededRandom, type EncodedDataset, type KernelOptions } from '@app/evaluation';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const USERS = arg('users', 1_000_000);
const ITEMS = arg('items', 50_000);
const LEN = arg('len', 100);
const SK_USERS = arg('sklearn-users', 20_000);
const K = 10;

function shared<T extends Int32Array | Float64Array>(Ctor: new (b: SharedArrayBuffer) => T, n: number, bytes: number): T {
  return new Ctor(new SharedArrayBuffer(n * bytes));
}

/** Users with LEN distinct ranked items (a random start and a stride coprime to ITEMS) and 3..7 relevant items. */
function generate(seed: number): EncodedDataset {
  const rng = new SeededRandom(seed);
  const rankOffsets = shared(Int32Array, USERS + 1, 4);
  const rankItems = shared(Int32Array, USERS * LEN, 4);
  const relOffsets = shared(Int32Array, USERS + 1, 4);
  const relItems = shared(Int32Array, USERS * 7, 4);
  let r = 0;
  for (let u = 0; u < USERS; u++) {
    const start = rng.int(ITEMS);
    let stride = 1 + 2 * rng.int(ITEMS / 2 - 1);
    while (gcd(stride, ITEMS) !== 1) stride += 2;
    const base = u * LEN;
    for (let i = 0; i < LEN; i++) rankItems[base + i] = (start + i * stride) % ITEMS;
    rankOffsets[u + 1] = base + LEN;
    const nRel = 3 + rng.int(5);
    const from = r;
    while (r - from < nRel) {
      // Half the relevant items are ranked (mostly near the top), half are random catalogue items.
      const it = rng.next() < 0.5 ? rankItems[base + (rng.next() < 0.6 ? rng.int(20) : rng.int(LEN))]! : rng.int(ITEMS);
      let dup = false;
      for (let t = from; t < r; t++) if (relItems[t] === it) dup = true;
      if (!dup) relItems[r++] = it;
    }
    relOffsets[u + 1] = r;
  }
  return { numUsers: USERS, numItems: ITEMS, rankOffsets, rankItems, relOffsets, relItems: relItems.subarray(0, r) };
}
function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Wall seconds; the CPU seconds of the last measurement (this process, all threads) are kept in `lastCpu`. */
let lastCpu = 0;
function time<T>(fn: () => T): [T, number] {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  const v = fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const d = process.cpuUsage(c);
  lastCpu = (d.user + d.system) / 1e6;
  return [v, wall];
}
/** "N users/s wall, M users/s per CPU-second": the second is what a core does when the machine is shared. */
const rates = (wallS: number): string => `${fmt(USERS / wallS)} users/s wall (${wallS.toFixed(3)} s), ${fmt(USERS / lastCpu)} users per CPU-second`;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  console.log(`dataset: ${fmt(USERS)} users x ${LEN}-item rankings, catalogue ${fmt(ITEMS)}, 3..7 relevant items per user (mean 5), k=${K}, node ${process.version}`);
  const [ds, genS] = time(() => generate(1));
  console.log(`generated in ${genS.toFixed(2)} s`);
  const popularity = new Float64Array(ITEMS);
  for (let i = 0; i < ds.relItems.length; i++) popularity[ds.relItems[i]!]!++;
  const selfInformation = selfInformationFromCounts(popularity);

  const core: KernelOptions = { ks: [K], metrics: ['ndcg', 'map', 'recall'] };
  const all: KernelOptions = { ks: [K], metrics: ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate', 'novelty'], auc: true, selfInformation };
  // Warm-up (JIT) on a slice of users.
  const warm = Int32Array.from({ length: Math.min(USERS, 50_000) }, (_, i) => i);
  evaluateEncoded(ds, core, warm);
  evaluateEncoded(ds, all, warm);

  const [, coreS] = time(() => evaluateEncoded(ds, core));
  const coreCpu = lastCpu;
  console.log(`single process, NDCG@10+MAP@10+Recall@10 (duplicate check on the full 100-item list): ${rates(coreS)}`);
  const [, coreNoCheckS] = time(() => evaluateEncoded(ds, { ...core, checkDuplicates: false }));
  console.log(`single process, NDCG@10+MAP@10+Recall@10 (rankings validated beforehand):          ${rates(coreNoCheckS)}`);
  const [single, allS] = time(() => evaluateEncoded(ds, all));
  console.log(`single process, all metrics @10 (P, R, MAP, NDCG, MRR, HR, novelty, AUC, coverage): ${rates(allS)}`);
  const [agg, aggS] = time(() => aggregate(single, { bootstrap: { samples: 200, seed: 42 }, catalogueSize: ITEMS, ks: [K] }));
  console.log(`aggregation + 200-sample bootstrap CIs over ${fmt(USERS)} users, ${single.columns.length} columns: ${aggS.toFixed(2)} s`);

  const shards = partitionUsers(USERS, 4);
  const [sharded, shardS] = await (async () => {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    const v = await evaluateSharded(ds, all, shards, 2);
    const wall = Number(process.hrtime.bigint() - t) / 1e9;
    const d = process.cpuUsage(c);
    lastCpu = (d.user + d.system) / 1e6;
    return [v, wall] as const;
  })();
  const identical = Buffer.from(sharded.values.buffer).equals(Buffer.from(single.values.buffer)) && Buffer.from(sharded.users.buffer).equals(Buffer.from(single.users.buffer));
  const aggSharded = aggregate(sharded, { bootstrap: { samples: 200, seed: 42 }, catalogueSize: ITEMS, ks: [K] });
  const aggIdentical = JSON.stringify(aggSharded) === JSON.stringify(agg);
  console.log(`4 shards on 2 worker threads, all metrics @10 (incl. worker start-up and merge): ${rates(shardS)}; per-user values identical to single run: ${identical}; aggregates + CIs identical: ${aggIdentical}`);
  for (const m of agg) console.log(`  ${m.name.padEnd(14)} ${m.value.toFixed(6)}  95% CI [${m.ciLow.toFixed(6)}, ${m.ciHigh.toFixed(6)}]  users ${fmt(m.users)}`);

  // scikit-learn ndcg_score on the first SK_USERS users: columns = the ranked items (score = LEN - position)
  // plus each user's unranked relevant items (scores below every ranked one), so both sides use the same IDCG.
  const n = Math.min(SK_USERS, USERS);
  const W = LEN + 7;
  const yTrue = new Float64Array(n * W);
  const yScore = new Float64Array(n * W).fill(-1e9);
  for (let u = 0; u < n; u++) {
    const rel = new Set(Array.from(ds.relItems.subarray(ds.relOffsets[u]!, ds.relOffsets[u + 1]!)));
    for (let i = 0; i < LEN; i++) {
      const it = ds.rankItems[u * LEN + i]!;
      yScore[u * W + i] = LEN - i;
      if (rel.delete(it)) yTrue[u * W + i] = 1;
    }
    let c = LEN;
    for (const _ of rel) {
      yTrue[u * W + c] = 1;
      yScore[u * W + c] = -1 - c; // distinct, below every ranked item
      c++;
    }
    for (; c < W; c++) yScore[u * W + c] = -1000 - c;
  }
  const subset = Int32Array.from({ length: n }, (_, i) => i);
  const ours = aggregate(evaluateEncoded(ds, { ks: [K], metrics: ['ndcg'] }, subset), { bootstrap: { samples: 1 } })[0]!.value;
  const dir = mkdtempSync(join(tmpdir(), 'metrics-bench-'));
  writeFileSync(join(dir, 'y_true.f64'), yTrue);
  writeFileSync(join(dir, 'y_score.f64'), yScore);
  let sk: { ndcg: number; seconds: number; seconds_ignore_ties: number; cpu_seconds: number; cpu_seconds_ignore_ties: number; sklearn: string } | undefined;
  try {
    // Debian's python3-sklearn lives under /usr/bin/python3 (a pyenv python3 first on PATH may lack it).
    const python = process.env['PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
    const out = execFileSync(python, [new URL('../../bench/metrics_sklearn.py', import.meta.url).pathname, dir, String(n), String(W), String(K)], { encoding: 'utf8' });
    sk = JSON.parse(out.trim().split('\n').pop()!);
  } catch (err) {
    console.log(`scikit-learn comparison skipped: ${(err as Error).message.split('\n')[0]} (apt-get install -y python3-sklearn)`);
  }
  if (sk) {
    const skRate = n / sk.seconds;
    const skRateFast = n / sk.seconds_ignore_ties;
    const oursRate = USERS / coreS;
    const oursCpuRate = USERS / coreCpu;
    console.log(`scikit-learn ${sk.sklearn} ndcg_score(k=10) on ${fmt(n)} users: ${fmt(skRate)} users/s (default ignore_ties=False), ${fmt(skRateFast)} users/s (ignore_ties=True)`);
    console.log(`  same data, mean NDCG@10: ours ${ours.toFixed(9)}, scikit-learn ${sk.ndcg.toFixed(9)} (difference ${Math.abs(ours - sk.ndcg).toExponential(2)})`);
    console.log(`  speed ratio, wall (ours NDCG+MAP+Recall single process / scikit-learn NDCG only): ${(oursRate / skRate).toFixed(1)}x vs default, ${(oursRate / skRateFast).toFixed(1)}x vs ignore_ties=True`);
    console.log(`  speed ratio, CPU time: ${(oursCpuRate / (n / sk.cpu_seconds)).toFixed(1)}x vs default, ${(oursCpuRate / (n / sk.cpu_seconds_ignore_ties)).toFixed(1)}x vs ignore_ties=True`);
  }
  // one line for bench/run.mjs
  const sklearn = sk && { version: sk.sklearn, users: n, usersPerSecond: Math.round(n / sk.seconds), usersPerSecondIgnoreTies: Math.round(n / sk.seconds_ignore_ties), ndcgDifference: Math.abs(ours - sk.ndcg) };
  console.log(`BENCH_RESULT ${JSON.stringify({ name: 'metrics', users: USERS, usersPerSecond: Math.round(USERS / coreS), usersPerCpuSecond: Math.round(USERS / coreCpu), allMetricsUsersPerSecond: Math.round(USERS / allS), sklearn: sklearn ?? null })}`);
}

await main();
