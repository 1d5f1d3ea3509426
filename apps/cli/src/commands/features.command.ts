import type { Command } from 'commander';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import {
  DriftService, FeatureError, FeatureJobsService, FeaturePinsService, FeatureRegistryService, FeaturesCoreModule, OnlineService, TrainingSetService,
  type EntityName, type FeatureJobData, type FeatureJobEntity, type FeatureJobProgress, type LabelRow, type LabelSource,
} from '@app/features';
import { QueueNames } from '@app/queue';
import { RegistryError } from '@app/registry';
import type { Runtime } from '@app/runtime';
import type { Queue } from 'bullmq';
import cliProgress from 'cli-progress';
import { parse as parseCsv } from 'csv-parse/sync';
import { createWriteStream, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { withCliContext } from '../cli-context.js';
import { CliError, printResult, numberOption } from '../cli-output.js';

const actor = () => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
};

const asCliError = (err: unknown): never => {
  if (err instanceof FeatureError || err instanceof RegistryError) throw new CliError(err.message);
  throw err;
};

function time(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new CliError(`--${name} must be an ISO time, got "${raw}"`);
  return d;
}

const list = (raw: string | undefined) => (raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** Percent bar with the phase on stderr (stdout stays clean for --json); without a terminal a line per phase or 5 s. */
function jobBar(label: string, enabled: boolean): { update(p: Partial<FeatureJobProgress>): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  const detail = (p: Partial<FeatureJobProgress>) => `${p.phase ?? ''}${p.total ? ` ${p.done ?? 0}/${p.total}` : ''}`;
  if (!process.stderr.isTTY) {
    let last = 0, lastPhase = '';
    return {
      update(p) {
        if (p.phase === lastPhase && Date.now() - last < 5000) return;
        last = Date.now();
        lastPhase = p.phase ?? '';
        process.stderr.write(`${label}: ${Math.floor(p.percent ?? 0)}% ${detail(p)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {detail}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(100, 0, { detail: 'queued' });
  return { update: (p) => bar.update(Math.floor(p.percent ?? 0), { detail: detail(p) }), stop: () => bar.stop() };
}

async function workerAvailable(ctx: INestApplicationContext, runtime: Runtime): Promise<boolean> {
  const queue = ctx.get<Queue>(getQueueToken(QueueNames.features), { strict: false });
  try {
    return (await queue.getWorkers()).length > 0;
  } catch {
    return !runtime.endpoint.embedded;
  }
}

function summary(job: FeatureJobEntity): string {
  if (job.status === 'failed') return `job ${job.id} failed${job.errorCode ? ` (${job.errorCode})` : ''}: ${job.error ?? ''}`;
  if (job.status !== 'completed') return `job ${job.id} ${job.status} (${job.progress.phase} ${job.progress.percent}%)`;
  const r = job.result as Record<string, any>;
  if (job.kind === 'compute') return (r['views'] as any[]).map((v) => `${v.view}/${v.version}: ${v.rows} rows over ${v.steps} step(s), ${v.appended} appended (${v.seconds.toFixed(1)} s)`).join('\n');
  if (job.kind === 'materialize') return (r['views'] as any[]).map((v) => `${v.view}/${v.version}: ${v.mode} → generation ${v.generation}, ${v.rows} entities, ${v.written} written to ${r['backend']} (${v.seconds.toFixed(1)} s)`).join('\n');
  return `${r['features']} features checked, ${(r['drifted'] as string[]).length} drifted${(r['drifted'] as string[]).length ? `: ${(r['drifted'] as string[]).join(', ')}` : ''}`;
}

/** Runs a job: on a worker when one serves the features queue (following its row), else in this process. */
async function runJob(data: FeatureJobData, opts: { json?: boolean; queue?: boolean }): Promise<void> {
  await withCliContext([FeaturesCoreModule], async (ctx, runtime) => {
    const jobs = ctx.get(FeatureJobsService);
    const json = !!opts.json;
    const worker = await workerAvailable(ctx, runtime);
    if (opts.queue || worker) {
      const job = await jobs.start(data).catch(asCliError);
      if (opts.queue) return printResult({ ...job, mode: 'queued' }, json, () => `queued ${job.kind} job ${job.id}`);
      if (!json) process.stderr.write(`queued ${data.kind} job ${job.id} (a worker runs it)\n`);
      const bar = jobBar(data.kind, !json);
      let row = job;
      try {
        while (row.status === 'queued' || row.status === 'running') {
          await new Promise((r) => setTimeout(r, 250));
          row = await jobs.get(job.id);
          bar.update(row.progress);
        }
      } finally {
        bar.stop();
      }
      return finish(row, json, 'worker');
    }
    const job = await jobs.start(data, { enqueue: false }).catch(asCliError);
    if (!json) process.stderr.write(`no worker serves the features queue: running ${data.kind} job ${job.id} in this process\n`);
    const bar = jobBar(data.kind, !json);
    await jobs.runInProcess(job.id, (p) => bar.update(p)).catch(() => undefined).finally(() => bar.stop());
    finish(await jobs.get(job.id), json, 'in-process');
  });
}

function finish(job: FeatureJobEntity, json: boolean, mode: string): void {
  if (json) printResult({ ...job, mode }, true, () => '');
  else if (job.status === 'completed') printResult(job, false, () => summary(job));
  if (job.status === 'failed') throw new CliError(summary(job));
}

function readLabels(file: string): LabelRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const rows: Array<Record<string, unknown>> = file.endsWith('.csv')
    ? (parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, unknown>>)
    : text.split('\n').filter((l) => l.trim()).map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new CliError(`${file}: line ${i + 1} is not JSON`);
      }
    });
  const pick = (r: Record<string, unknown>, ...keys: string[]) => keys.map((k) => r[k]).find((v) => v !== undefined && v !== '');
  return rows.map((r) => {
    const label = pick(r, 'label');
    return {
      candidateId: pick(r, 'candidate_id', 'candidateId') as string | undefined,
      jobId: pick(r, 'job_id', 'jobId') as string | undefined,
      timestamp: pick(r, 'timestamp', 'ts', 'time') as string | undefined,
      label: label === undefined ? null : Number(label),
    };
  });
}

function interactionSource(o: { from?: string; to?: string; positive?: string; windowHours?: string; limit?: string; labels?: string }): LabelSource {
  if (o.labels) return { rows: readLabels(o.labels) };
  const from = time('from', o.from), to = time('to', o.to);
  if (!from || !to) throw new CliError('give --labels FILE, or --from and --to (impressions in that window become label rows)');
  return { interactions: { from, to, positive: list(o.positive), windowHours: numberOption('window-hours', o.windowHours, true), limit: numberOption('limit', o.limit, true) } };
}

export function register(program: Command): void {
  const features = program.command('features').description('Feature store: list, compute, materialize, online, export, drift, rank');

  features
    .command('list')
    .description('Feature views and services with their versions and online state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([FeaturesCoreModule], async (ctx) => {
        const registry = ctx.get(FeatureRegistryService), online = ctx.get(OnlineService);
        const views = await Promise.all((await registry.listVersions('view')).map(async (v) => {
          const p = await online.pointer(v.id);
          return { name: v.name, version: v.version, current: registry.currentVersion('view', v.name)?.id === v.id, entity: v.entity, ttlSeconds: (v.spec as { ttlSeconds: number }).ttlSeconds, features: (v.spec as { features: unknown[] }).features.length, online: p ? { backend: online.backend, generation: p.generation, rows: p.rows, materializedAt: p.materializedAt } : null };
        }));
        const services = await Promise.all((await registry.listVersions('service')).map(async (s) => {
          const r = await registry.resolveServiceById(s.id);
          return { name: s.name, version: s.version, current: registry.currentVersion('service', s.name)?.id === s.id, views: r.members.map((m) => `${m.view.name}/${m.view.version}`), features: r.featureNames.length };
        }));
        printResult({ views, services }, !!opts.json, () => [
          'views:',
          ...views.map((v) => `  ${`${v.name}/${v.version}`.padEnd(26)} ${v.current ? '*' : ' '} ${v.entity!.padEnd(13)} ${String(v.features).padStart(3)} features  ttl ${v.ttlSeconds}s  ${v.online ? `online gen ${v.online.generation} (${v.online.rows} entities, ${v.online.materializedAt.toISOString()})` : 'not materialised'}`),
          'services:',
          ...services.map((s) => `  ${`${s.name}/${s.version}`.padEnd(26)} ${s.current ? '*' : ' '} ${String(s.features).padStart(3)} features  ${s.views.join(', ')}`),
          '(* = the version defined in code now)',
        ].join('\n'));
      });
    });

  features
    .command('compute')
    .description('Compute feature views from the market tables into the offline store (a worker runs it when one is up, else this process)')
    .option('--views <names>', 'comma-separated views (default: all)')
    .option('--as-of <time>', 'compute as of this ISO time (default: now)')
    .option('--backfill-days <n>', 'as-of views: one row per step over the last N days')
    .option('--step-hours <h>', 'backfill step (default 24)')
    .option('--refit-vocabulary', 'fit the text vocabulary again (a new vocabulary version)')
    .option('--queue', 'only enqueue the job and print its id')
    .option('--json', 'print JSON')
    .action(async (o: { views?: string; asOf?: string; backfillDays?: string; stepHours?: string; refitVocabulary?: boolean; queue?: boolean; json?: boolean }) => {
      await runJob({ kind: 'compute', createdBy: actor(), compute: { views: list(o.views), asOf: time('as-of', o.asOf)?.toISOString(), backfillDays: numberOption('backfill-days', o.backfillDays, true), stepHours: numberOption('step-hours', o.stepHours), refitVocabulary: o.refitVocabulary } }, o);
    });

  features
    .command('materialize')
    .description('Copy the latest values offline → online (full: new generation, then flip; incremental: changed entities) with a progress bar')
    .option('--views <refs>', 'comma-separated view refs (name or name/version)')
    .option('--service <ref>', 'every view of this feature service')
    .option('--mode <full|incremental>', 'default full')
    .option('--queue', 'only enqueue the job and print its id')
    .option('--json', 'print JSON')
    .action(async (o: { views?: string; service?: string; mode?: string; queue?: boolean; json?: boolean }) => {
      if (o.mode && o.mode !== 'full' && o.mode !== 'incremental') throw new CliError(`--mode must be full or incremental, got "${o.mode}"`);
      await runJob({ kind: 'materialize', createdBy: actor(), materialize: { views: list(o.views), service: o.service, mode: o.mode as 'full' | 'incremental' | undefined } }, o);
    });

  features
    .command('online')
    .description('Current values of a feature service for entities, with each value’s age (expired values are never served)')
    .option('--service <ref>', 'feature service (name or name/version)')
    .option('--model <ref>', 'or a model version (name@alias or name/version): the feature service version it pins')
    .requiredOption('--ids <ids>', 'comma-separated ids ("<candidateId>:<jobId>" for candidate_job)')
    .option('--entity <name>', 'candidate | job | candidate_job', 'candidate')
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; model?: string; ids: string; entity: string; json?: boolean }) => {
      if (!o.service === !o.model) throw new CliError('give either --service or --model');
      await withCliContext([FeaturesCoreModule], async (ctx) => {
        const service = o.service ?? (await ctx.get(FeaturePinsService).serviceRefForModel(o.model!).catch(asCliError));
        const res = await ctx.get(OnlineService).getOnlineFeatures(o.entity as EntityName, list(o.ids) ?? [], service).catch(asCliError);
        printResult(res, !!o.json, () => res.rows.map((r) => [
          `${o.entity} ${r.id} (${res.service}/${res.version}):`,
          ...res.features.map((f, i) => `  ${f.padEnd(48)} ${JSON.stringify(r.values[i])?.slice(0, 60).padEnd(20)} ${r.status[i] === 'present' ? `age ${r.ages[i]!.toFixed(0)}s` : r.status[i]}`),
        ].join('\n')).join('\n'));
      });
    });

  features
    .command('export')
    .description('Write a point-in-time correct training set (JSONL or CSV); records training statistics with the service version')
    .requiredOption('--service <ref>', 'feature service (name or name/version)')
    .requiredOption('--out <file>', 'output file')
    .option('--format <jsonl|csv>', 'default: from the file extension, else jsonl')
    .option('--labels <file>', 'label rows (JSONL or CSV: candidate_id, job_id, timestamp, label)')
    .option('--from <time>', 'or: impressions from this time…')
    .option('--to <time>', '…until this time become label rows')
    .option('--positive <types>', 'events that make an impression positive (default click,apply)')
    .option('--window-hours <h>', 'how long after the impression they count (default 168)')
    .option('--limit <n>', 'at most this many impressions')
    .option('--no-stats', 'do not store this set’s statistics')
    .option('--json', 'print JSON')
    .action(async (o: { service: string; out: string; format?: string; labels?: string; from?: string; to?: string; positive?: string; windowHours?: string; limit?: string; stats: boolean; json?: boolean }) => {
      const format = (o.format ?? (o.out.endsWith('.csv') ? 'csv' : 'jsonl')) as 'jsonl' | 'csv';
      if (format !== 'jsonl' && format !== 'csv') throw new CliError(`--format must be jsonl or csv, got "${o.format}"`);
      const source = interactionSource(o);
      await withCliContext([FeaturesCoreModule], async (ctx) => {
        const out = createWriteStream(o.out);
        const write = (chunk: string) => (out.write(chunk) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
        const bar = jobBar('export', !o.json);
        try {
          const s = await ctx.get(TrainingSetService).export({ service: o.service, source, format, recordStatistics: o.stats }, write, (done, total) => bar.update({ percent: (done / Math.max(1, total)) * 100, phase: 'rows', done, total })).catch(asCliError);
          bar.stop();
          await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
          printResult({ ...s, out: o.out }, !!o.json, () => `${o.out}: ${s.rows} rows (${s.positives} positive) × ${s.features.length} features of ${s.service}/${s.version}${s.statisticsRecorded ? '; training statistics stored with the service version' : ''}`);
        } finally {
          bar.stop();
          out.destroy();
        }
      });
    });

  features
    .command('drift')
    .description('PSI and KS of online values against training statistics (one service, or every service with statistics)')
    .option('--service <ref>', 'feature service (default: every one with training statistics)')
    .option('--sample <n>', 'online values sampled per view (default 5000)')
    .option('--json', 'print JSON')
    .action(async (o: { service?: string; sample?: string; json?: boolean }) => {
      await withCliContext([FeaturesCoreModule], async (ctx) => {
        const rows = await ctx.get(DriftService).computeDrift(o.service, { sampleSize: numberOption('sample', o.sample, true) }).catch(asCliError);
        const f = (v: number | null) => (v === null ? '-' : v.toFixed(4));
        printResult(rows, !!o.json, () => rows.length === 0 ? 'no feature service has training statistics yet (export a training set first)' : [
          `${'service'.padEnd(22)} ${'feature'.padEnd(48)} ${'psi'.padStart(8)} ${'ks'.padStart(8)} ${'n'.padStart(6)}  drifted`,
          ...rows.map((r) => `${`${r.service}/${r.version}`.padEnd(22)} ${r.feature.padEnd(48)} ${f(r.psi).padStart(8)} ${f(r.ks).padStart(8)} ${String(r.recentCount).padStart(6)}  ${r.drifted ? 'YES' : ''}`),
        ].join('\n'));
      });
    });

  features
    .command('rank')
    .description('Rank a service’s numeric features against labels: mutual information, chi-square, logistic-regression importance')
    .requiredOption('--service <ref>', 'feature service (name or name/version)')
    .option('--labels <file>', 'label rows (JSONL or CSV)')
    .option('--from <time>', 'or: impressions from this time…')
    .option('--to <time>', '…until this time, labelled by a later click/apply')
    .option('--positive <types>', 'default click,apply')
    .option('--window-hours <h>', 'default 168')
    .option('--limit <n>', 'at most this many impressions')
    .option('--json', 'print JSON')
    .action(async (o: { service: string; labels?: string; from?: string; to?: string; positive?: string; windowHours?: string; limit?: string; json?: boolean }) => {
      const source = interactionSource(o);
      await withCliContext([FeaturesCoreModule], async (ctx) => {
        const r = await ctx.get(TrainingSetService).rank(o.service, source).catch(asCliError);
        printResult(r, !!o.json, () => [
          `${r.service}/${r.version}: ${r.rows} rows, ${r.positives} positive`,
          `${'feature'.padEnd(48)} ${'MI'.padStart(8)} ${'chi2'.padStart(10)} ${'p'.padStart(9)} ${'coef'.padStart(8)} ${'import.'.padStart(8)}`,
          ...r.ranking.map((x) => `${x.feature.padEnd(48)} ${x.mutualInformation.toFixed(4).padStart(8)} ${x.chiSquare.toFixed(1).padStart(10)} ${x.chiSquarePValue.toExponential(1).padStart(9)} ${(x.coefficient ?? NaN).toFixed(3).padStart(8)} ${(x.importance ?? NaN).toFixed(3).padStart(8)}`),
        ].join('\n'));
      });
    });
}
