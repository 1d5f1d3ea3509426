// The benchmark suite (issue 14): runs every bench in bench/run-lib.ts's registry one after another and prints one
// table (bench, figure, target, peer figure, ratio, pass/fail); writes bench/results/latest.json (+ a timestamped copy).
//   npm run bench                          # small sizes (< 10 minutes on 2 cores)
//   npm run bench -- --size full           # the sizes the issues name
//   npm run bench -- --only metrics,alerts # a subset; --list prints the entries; --build rebuilds dist/ if stale
// Benches that need PostgreSQL get a fresh database each (created on DATABASE_URL's server, else on
// postgres://postgres@127.0.0.1:5432, dropped afterwards); those that need Redis use REDIS_URL (else
// redis://127.0.0.1:6379). A bench whose services are unreachable is marked skipped; a bench that fails, times out or
// prints no result is marked error with the last lines of its stderr, and the run goes on. Each bench's whole output
// is kept in bench/results/logs/<name>.log. Exit code 1 when an entry errored (not when a target is missed).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const libOut = join(root, 'dist/bench-run/run-lib.mjs');
{
  const src = join(root, 'bench/run-lib.ts');
  const { code } = transformSync(readFileSync(src, 'utf8'), { filename: src, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  mkdirSync(dirname(libOut), { recursive: true });
  writeFileSync(libOut, code);
}
const lib = await import(pathToFileURL(libOut).href);

let opts;
try {
  opts = lib.parseRunnerArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const { size } = opts;
let selected;
try {
  selected = lib.selectEntries(lib.ENTRIES, opts.only);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
if (opts.list) {
  for (const e of lib.ENTRIES) console.log(`${e.name.padEnd(24)} needs ${(e.needs.join(', ') || 'nothing').padEnd(16)} small: ${e.args.small ? `node ${e.args.small.join(' ')}` : '(full size only)'}\n${' '.repeat(47)}full:  ${e.args.full ? `node ${e.args.full.join(' ')}` : '–'}`);
  process.exit(0);
}

const resultsDir = join(root, 'bench/results');
const logsDir = join(resultsDir, 'logs');
mkdirSync(logsDir, { recursive: true });
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const secs = (t0) => Number(((Date.now() - t0) / 1000).toFixed(1));
const t0 = Date.now();
const startLoad = load();
console.log(`bench suite, size ${size}: ${selected.length} entries, node ${process.version}, ${cpus().length} cores, load average ${startLoad.join(' ')}`);

// ---- services ----
const pgBase = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const needs = new Set(selected.flatMap((e) => (e.args[size] ? e.needs : [])));
const pg = (await import('pg')).default;
const services = { dist: undefined, pg: undefined, redis: undefined }; // undefined = available, else the reason
if (needs.has('pg')) {
  const c = new pg.Client({ connectionString: pgBase, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (err) {
    services.pg = `PostgreSQL unreachable at ${new URL(pgBase).host} (${err.message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}
if (needs.has('redis')) {
  const { Redis } = await import('ioredis');
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    services.redis = `Redis unreachable at ${new URL(redisUrl).host} (${err.message})`;
  } finally {
    r.disconnect();
  }
}
if (needs.has('dist')) {
  const main = join(root, 'dist/apps/cli/src/main.js');
  if (!existsSync(main) || opts.build) {
    console.log(existsSync(main) ? 'building (node scripts/build.mjs --if-stale) …' : 'dist/ is missing: building once (node scripts/build.mjs) …');
    const b0 = Date.now();
    const r = spawnSync(process.execPath, ['scripts/build.mjs', ...(existsSync(main) ? ['--if-stale'] : [])], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) services.dist = `the build failed (node scripts/build.mjs exited ${r.status})`;
    else console.log(`built in ${secs(b0)} s`);
  } else {
    const stampFile = join(root, 'dist/.server-built'); // written by scripts/build.mjs at the end of a server build
    const age = (Date.now() - statSync(existsSync(stampFile) ? stampFile : main).mtimeMs) / 60000;
    console.log(`using the existing dist/ (built ${age < 90 ? `${age.toFixed(0)} min` : `${(age / 60).toFixed(1)} h`} ago; --build rebuilds it if the sources are newer)`);
  }
}

// ---- one entry ----
const dbName = (name) => `matchlab_bench_${name.replace(/[^a-z0-9]/g, '_')}_${Date.now().toString(36)}`;
async function admin(sql) {
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const GRACE_S = 30;
function runProcess(args, env, timeoutS, logPath) {
  return new Promise((resolve) => {
    const log = createWriteStream(logPath);
    log.write(`$ node ${args.join(' ')}\n`);
    // own process group: a timeout kills the bench and the workers it started, nothing else
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '', stderr = '', timedOut = false, lingered = false;
    let grace;
    child.stdout.on('data', (d) => {
      stdout += d;
      log.write(d);
      // a bench that printed its result but does not exit (idle connections) is ended after a grace period
      if (!grace && stdout.includes(lib.RESULT_PREFIX)) {
        grace = setTimeout(() => {
          lingered = true;
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {}
        }, GRACE_S * 1000);
      }
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
      log.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      // workers a bench started and did not stop would keep running: end the group
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      log.end(`\n[exit ${code ?? signal}${timedOut ? `, killed after ${timeoutS} s` : ''}${lingered ? `, killed ${GRACE_S} s after printing its result` : ''}]\n`);
      resolve({ code: lingered ? 0 : code, signal, stdout, stderr, timedOut, lingered });
    });
  });
}

const tail = (p) => lib.errorSummary(p.stderr) || lib.errorSummary(p.stdout);

async function runEntry(entry, i) {
  const prefix = `[${i + 1}/${selected.length}] ${entry.name}`;
  const args = entry.args[size];
  const skip = (reason) => {
    console.log(`${prefix}: skipped (${reason})`);
    return { name: entry.name, status: 'skipped', reason, seconds: 0 };
  };
  if (!args) return skip(`${size} size not run: ${Object.keys(entry.args).join('/')} only`);
  if (!existsSync(join(root, entry.script))) return entry.optional ? skip(`${entry.script} does not exist yet`) : { name: entry.name, status: 'error', reason: `${entry.script} is missing`, seconds: 0 };
  for (const n of entry.needs) if (services[n]) return skip(services[n]);
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', MATCHLAB_BENCH_SKIP_BUILD: '1' };
  let db;
  if (entry.needs.includes('pg')) {
    db = dbName(entry.name);
    await admin(`CREATE DATABASE ${db}`);
    const u = new URL(pgBase);
    u.pathname = `/${db}`;
    env.DATABASE_URL = u.toString();
  } else delete env.DATABASE_URL;
  if (entry.needs.includes('redis')) env.REDIS_URL = redisUrl;
  else delete env.REDIS_URL;
  process.stdout.write(`${prefix}: node ${args.join(' ')} … `);
  const e0 = Date.now();
  const p = await runProcess(args, env, entry.timeout[size], join(logsDir, `${entry.name}.log`));
  const seconds = secs(e0);
  if (db) await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch((err) => console.error(`could not drop ${db}: ${err.message}`));
  let result = lib.parseBenchResult(p.stdout, entry.name);
  if (!result && entry.fallback) result = entry.fallback(p.stdout);
  let out;
  if (p.timedOut) out = { status: 'error', reason: `timed out after ${entry.timeout[size]} s; ${tail(p)}` };
  else if (p.code !== 0 && !result) out = { status: 'error', reason: `exit ${p.code ?? p.signal}: ${tail(p)}` };
  else if (!result) out = { status: 'error', reason: `no result line in the output; ${tail(p)}` };
  else out = { status: 'ok', result, ...(p.lingered ? { reason: `did not exit; ended ${GRACE_S} s after its result` } : p.code !== 0 ? { reason: `exit ${p.code ?? p.signal} after printing its result: ${tail(p)}` } : {}) };
  console.log(`${seconds} s, ${out.status === 'ok' ? 'ok' : `ERROR: ${out.reason}`}${out.status === 'ok' && out.reason ? ` (${out.reason})` : ''}, load ${load()[0]}`);
  return { name: entry.name, ...out, seconds, args, exitCode: p.code };
}

const latest = join(resultsDir, 'latest.json');
const stamp = new Date(t0).toISOString().replace(/[:.]/g, '-');
const report = (finished) => ({
  size, complete: finished, startedAt: new Date(t0).toISOString(), ...(finished ? { finishedAt: new Date().toISOString() } : {}), totalSeconds: secs(t0),
  loadAverage: { start: startLoad, now: load() }, node: process.version, cores: cpus().length,
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  entries: outcomes.map((o, i) => ({ ...o, rows: lib.entryRows(selected[i], o) })),
});
const outcomes = [];
for (const [i, entry] of selected.entries()) {
  try {
    outcomes.push(await runEntry(entry, i));
  } catch (err) {
    console.log(`${entry.name}: ERROR ${err.message}`);
    outcomes.push({ name: entry.name, status: 'error', reason: err.message, seconds: 0 });
  }
  // after every entry, so a long run that is interrupted still leaves what it measured ("complete": false)
  writeFileSync(latest, `${JSON.stringify(report(false), null, 2)}\n`);
}

const rows = selected.flatMap((e, i) => lib.entryRows(e, outcomes[i]));
const totalSeconds = secs(t0);
console.log(`\nbench suite, size ${size}: ${totalSeconds} s wall (${(totalSeconds / 60).toFixed(1)} min), load average at start ${startLoad.join(' ')}, at end ${load().join(' ')}; ratio = ours ÷ peer, or figure ÷ target without a peer (> 1 is better)\n`);
console.log(lib.formatTable(rows));

writeFileSync(latest, `${JSON.stringify(report(true), null, 2)}\n`);
copyFileSync(latest, join(resultsDir, `${stamp}-${size}.json`));
console.log(`\nwritten: bench/results/latest.json (and ${stamp}-${size}.json); each bench's output: bench/results/logs/<name>.log`);
process.exit(outcomes.some((o) => o.status === 'error') ? 1 : 0);
