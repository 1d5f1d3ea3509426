// Feature-store benchmark (issue 6 targets), on DATABASE_URL (use a fresh database) and REDIS_URL:
//   1. online read, 1 entity × 50 features, p99 < 2 ms; 100 entities × 50 features, p99 < 10 ms (5 views × 10 features,
//      so one read is an MGET of 5 or 500 keys, through OnlineService.getOnlineFeatures as the API calls it);
//   2. materialise 1,000,000 feature rows offline → Redis in < 60 s (OnlineService.materialize, full);
//   3. point-in-time join of 1,000,000 label rows against 10,000,000 feature rows in Postgres in < 2 min
//      (the LATERAL join of offline-store.service.ts; data generated with generate_series).
//   node scripts/build.mjs && DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh db> REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/features.bench.mjs [--only online,materialize,pit] [--pit-rows 10000000] [--labels 1000000] [--mat-rows 1000000]
// Its Redis keys live under QUEUE_PREFIX (default fsbench<pid>, dropped at the end); drop the database afterwards.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { only: { type: 'string' }, 'pit-rows': { type: 'string' }, labels: { type: 'string' }, 'mat-rows': { type: 'string' } } });
const only = new Set((args.only ?? 'online,materialize,pit').split(','));
const PIT_ROWS = Number(args['pit-rows'] ?? 10_000_000), LABELS = Number(args.labels ?? 1_000_000), MAT_ROWS = Number(args['mat-rows'] ?? 1_000_000);
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error('set DATABASE_URL (a fresh PostgreSQL database) and REDIS_URL');
  process.exit(1);
}
process.env.LOG_LEVEL ??= 'warn';
process.env.MATCHLAB_SEED_ON_START = 'false';
const ownPrefix = !process.env.QUEUE_PREFIX;
process.env.QUEUE_PREFIX ??= `fsbench${process.pid}`;
const { withCliContext } = await import('../dist/apps/cli/src/cli-context.js');
const { FeaturesCoreModule, FeatureRegistryService, OfflineStoreService, OnlineService, OnlineStore, pointInTimeSql } = await import('../dist/libs/features/src/index.js');
const { DataSource } = await import('typeorm');

const DAY = 86_400;
const view = (name, entity, n, ttlSeconds) => ({
  name, entity, description: 'benchmark', owner: 'bench', ttlSeconds, eventTimeColumn: 'event_time', asOfEventTime: false,
  features: Array.from({ length: n }, (_, i) => ({ name: `f${String(i).padStart(2, '0')}`, type: 'float' })),
  source: { sql: 'SELECT NULL::text AS candidate_id, now() AS event_time WHERE false AND $1::timestamptz IS NOT NULL' },
});
const pct = (xs, p) => { const s = Float64Array.from(xs).sort(); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const results = {};

await withCliContext([FeaturesCoreModule], async (ctx, runtime) => {
  const registry = ctx.get(FeatureRegistryService), offline = ctx.get(OfflineStoreService), online = ctx.get(OnlineService);
  const db = ctx.get(DataSource);
  if (ctx.get(OnlineStore).backend !== 'redis') throw new Error('the online store is not Redis: set REDIS_URL');
  for (let k = 0; k < 5; k++) registry.defineView(view(`bench_online_${k}`, 'candidate', 10, 7 * DAY));
  registry.defineService({ name: 'bench_online', description: '', owner: 'bench', views: Array.from({ length: 5 }, (_, k) => ({ view: `bench_online_${k}` })) });
  registry.defineView(view('bench_materialize', 'job', 10, 7 * DAY));
  registry.defineView(view('bench_pit', 'candidate', 5, 30 * DAY));
  registry.defineService({ name: 'bench_pit', description: '', owner: 'bench', views: [{ view: 'bench_pit' }] });
  await registry.sync();

  if (only.has('online')) {
    const ENTITIES = 10_000;
    for (let k = 0; k < 5; k++) {
      const v = await registry.resolveView(`bench_online_${k}`);
      const now = Date.now();
      await offline.append(v.id, Array.from({ length: ENTITIES }, (_, e) => ({ key: String(e + 1), eventTime: new Date(now - (e % 3600) * 1000), values: Array.from({ length: 10 }, (_, f) => Math.round(Math.sin(e * 10 + f) * 1e6) / 1e6) })));
      await online.materialize(v, { mode: 'full' });
    }
    const ids = (n) => Array.from({ length: n }, () => String(1 + Math.floor(Math.random() * ENTITIES)));
    const measure = async (n, iterations) => {
      for (let i = 0; i < 200; i++) await online.getOnlineFeatures('candidate', ids(n), 'bench_online');
      const lat = [];
      for (let i = 0; i < iterations; i++) {
        const batch = ids(n);
        const t0 = process.hrtime.bigint();
        const r = await online.getOnlineFeatures('candidate', batch, 'bench_online');
        lat.push(ms(t0));
        if (r.features.length !== 50 || r.rows.length !== n || r.rows[0].status[0] !== 'present') throw new Error('unexpected online result');
      }
      return { entities: n, features: 50, keysPerRead: n * 5, iterations, p50Ms: +pct(lat, 0.5).toFixed(3), p99Ms: +pct(lat, 0.99).toFixed(3), maxMs: +Math.max(...lat).toFixed(3) };
    };
    results.onlineOne = await measure(1, 5000);
    results.onlineHundred = await measure(100, 2000);
    console.log(`online read 1 entity × 50 features: p50 ${results.onlineOne.p50Ms} ms, p99 ${results.onlineOne.p99Ms} ms (target < 2 ms)`);
    console.log(`online read 100 entities × 50 features: p50 ${results.onlineHundred.p50Ms} ms, p99 ${results.onlineHundred.p99Ms} ms (target < 10 ms)`);
  }

  if (only.has('materialize')) {
    const v = await registry.resolveView('bench_materialize');
    let t0 = process.hrtime.bigint();
    await db.query(`INSERT INTO feature_rows (view_version_id, entity_key, event_time, "values")
      SELECT $1, lpad(g::text, 8, '0'), now() - (g % 86400) * interval '1 second',
             jsonb_build_array(${Array.from({ length: 10 }, (_, f) => `round((sin(g * 10 + ${f}))::numeric, 6)`).join(', ')})
        FROM generate_series(1, $2::int) g`, [v.id, MAT_ROWS]);
    await db.query('ANALYZE feature_rows');
    const genMs = ms(t0);
    t0 = process.hrtime.bigint();
    let lastLog = 0;
    const r = await online.materialize(v, { mode: 'full' }, (done, total) => {
      if (Date.now() - lastLog > 5000) { lastLog = Date.now(); process.stderr.write(`  materialize ${done}/${total}\n`); }
    });
    const sec = ms(t0) / 1000;
    await db.query(`INSERT INTO feature_rows (view_version_id, entity_key, event_time, "values")
      SELECT $1, lpad(g::text, 8, '0'), now(), jsonb_build_array(${Array.from({ length: 10 }, () => '1.0').join(', ')}) FROM generate_series(1, 10000) g`, [v.id]);
    t0 = process.hrtime.bigint();
    const inc = await online.materialize(v, { mode: 'incremental' });
    const incSec = ms(t0) / 1000;
    results.materialize = { rows: r.rows, written: r.written, seconds: +sec.toFixed(2), rowsPerSecond: Math.round(r.rows / sec), generateSeconds: +(genMs / 1000).toFixed(1), incremental: { rows: inc.rows, seconds: +incSec.toFixed(2) } };
    console.log(`materialise ${r.rows} feature rows (10 features each) to Redis: ${sec.toFixed(1)} s, ${results.materialize.rowsPerSecond} rows/s (target < 60 s); incremental ${inc.rows} rows in ${incSec.toFixed(2)} s`);
    await ctx.get(OnlineStore).dropGeneration(v.id, r.generation);
  }

  if (only.has('pit')) {
    const v = await registry.resolveView('bench_pit');
    const service = await registry.resolveService('bench_pit');
    const ENTITIES = Math.max(1, Math.round(PIT_ROWS / 10)), PER = Math.round(PIT_ROWS / ENTITIES);
    const start = '2026-01-01T00:00:00Z';
    let t0 = process.hrtime.bigint();
    // Entities in key order, each with PER rows ~ every 10 days (jittered): the index is filled almost sequentially.
    await db.query(`INSERT INTO feature_rows (view_version_id, entity_key, event_time, "values")
      SELECT $1, lpad(e::text, 8, '0'), timestamptz '${start}' + (k * 10 + (e + k) % 7) * interval '1 day' + (e % 86400) * interval '1 second',
             jsonb_build_array(e % 100, k, round((sin(e + k))::numeric, 4), (e * k) % 1000, round((cos(e))::numeric, 4))
        FROM generate_series(1, $2::int) e, generate_series(0, $3::int - 1) k`, [v.id, ENTITIES, PER]);
    await db.query(`DROP TABLE IF EXISTS bench_labels`);
    await db.query(`CREATE UNLOGGED TABLE bench_labels AS
      SELECT g::bigint AS row_id, lpad((1 + floor(random() * $1::int))::text, 8, '0') AS candidate_id, NULL::text AS job_id,
             timestamptz '${start}' + random() * ($2::int * 10 + 10) * interval '1 day' AS ts, (random() < 0.1)::int::float8 AS label
        FROM generate_series(0, $3::int - 1) g`, [ENTITIES, PER, LABELS]);
    await db.query('VACUUM ANALYZE feature_rows');
    await db.query('ANALYZE bench_labels');
    const genSec = ms(t0) / 1000;
    const count = (await db.query(`SELECT count(*)::int AS n FROM feature_rows WHERE view_version_id = $1`, [v.id]))[0].n;
    const run = async (label, labelsSql) => {
      await db.query('DROP TABLE IF EXISTS bench_out');
      const t = process.hrtime.bigint();
      await db.query(`CREATE UNLOGGED TABLE bench_out AS ${pointInTimeSql(service, labelsSql)}`);
      const sec = ms(t) / 1000;
      const s = (await db.query(`SELECT count(*)::int AS n, count(t0)::int AS matched FROM bench_out`))[0];
      console.log(`point-in-time join (${label}): ${s.n} labels × ${count} feature rows in ${sec.toFixed(1)} s, ${s.matched} matched (target < 120 s)`);
      return { labels: s.n, featureRows: count, matched: s.matched, seconds: +sec.toFixed(1) };
    };
    results.pit = { generateSeconds: +genSec.toFixed(1), asGiven: await run('labels in random order', 'bench_labels'), sorted: await run('labels sorted by key, time', '(SELECT * FROM bench_labels ORDER BY candidate_id, ts)') };
    const plan = await db.query(`EXPLAIN ${pointInTimeSql(service, 'bench_labels')}`);
    results.pit.plan = plan.map((r) => r['QUERY PLAN']);
    await db.query('DROP TABLE IF EXISTS bench_out');
  }
  results.postgres = (await db.query('SHOW server_version'))[0].server_version;
  results.loadAverage = loadavg().map((x) => +x.toFixed(2)); // the machine is shared: p99 latencies follow the load
  results.embedded = runtime.endpoint.embedded;
});
console.log(JSON.stringify(results, null, 2));
const pitRun = results.pit?.asGiven;
console.log(`BENCH_RESULT ${JSON.stringify({
  name: 'features', onlineOneP99Ms: results.onlineOne?.p99Ms, onlineHundredP99Ms: results.onlineHundred?.p99Ms,
  materialize: results.materialize && { rows: results.materialize.rows, seconds: results.materialize.seconds, rowsPerSecond: results.materialize.rowsPerSecond },
  pit: pitRun && { labels: pitRun.labels, featureRows: pitRun.featureRows, seconds: pitRun.seconds, labelsPerSecond: Math.round(pitRun.labels / Math.max(pitRun.seconds, 0.05)), sortedSeconds: results.pit.sorted.seconds },
  load: results.loadAverage,
})}`);
if (ownPrefix) {
  // The bench's own Redis keys (online values with a 7-day TTL, queue keys): all under its private prefix.
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL);
  let cursor = '0', dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.QUEUE_PREFIX}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) dropped += await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
  console.error(`dropped ${dropped} Redis keys under ${process.env.QUEUE_PREFIX}:`);
}
process.exit(0); // an idle queue connection (BullMQ) of the CLI context would keep the process alive
