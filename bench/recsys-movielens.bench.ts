// MovieLens-100K quality and speed: ua.base → ua.test, every rating an interaction, training items excluded,
// full ranking, k = 10. Run: `node bench/recsys-build.mjs bench/recsys-movielens.bench.ts [--strategies als,ease] [--params '{"als":{...}}']`
import { fitRecommender, prepareBenchmark, rankingMetrics, readInteractionFile } from '@app/recsys';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const dir = arg('dir', '../shared/datasets/movielens-100k');
const strategies = arg('strategies', 'popularity,item-knn,user-knn,als,ease,two-tower,content,hybrid').split(',');
const params = JSON.parse(arg('params', '{}')) as Record<string, unknown>;
const K = 10;

const data = prepareBenchmark(readInteractionFile(`${dir}/ua.base`, 'movielens'), readInteractionFile(`${dir}/ua.test`, 'movielens'));
const users = [...data.relevant.keys()].sort((a, b) => a - b);
console.log(`MovieLens-100K ua: ${data.userIds.length} users, ${data.itemIds.length} items, ${data.snapshot.interactions.job.length} train, ${users.length} test users`);
const rows: string[] = [];
const ndcg: Record<string, number> = {}; // for the BENCH_RESULT line (bench/run.mjs)
for (const name of strategies) {
  const t0 = performance.now();
  const model = await fitRecommender(name, data.snapshot, params[name]);
  const t1 = performance.now();
  const recs = model.recommendBatch(users, K, { includeExpired: true });
  const t2 = performance.now();
  const m = rankingMetrics(recs.map((r) => r.map((x) => x.job)), users.map((u) => data.relevant.get(u)!), K);
  const line = `| ${name} | ${m['precision@10']!.toFixed(4)} | ${m['recall@10']!.toFixed(4)} | ${m['ndcg@10']!.toFixed(4)} | ${m['map@10']!.toFixed(4)} | ${((t1 - t0) / 1000).toFixed(2)} | ${((t2 - t1) / 1000).toFixed(2)} |`;
  rows.push(line);
  ndcg[name] = m['ndcg@10']!;
  console.log(line);
}
console.log('\n| strategy | P@10 | R@10 | NDCG@10 | MAP@10 | train s | recommend s |\n|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
const bestOf = (ndcg: Record<string, number>) => Object.entries(ndcg).reduce<{ strategy: string; ndcg: number } | null>((b, [strategy, v]) => (b && b.ndcg >= v ? b : { strategy, ndcg: Number(v.toFixed(6)) }), null);
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'recsys-movielens', ndcg, best: bestOf(ndcg) })}`);
