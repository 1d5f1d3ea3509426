import { Inject, Injectable } from '@nestjs/common';
import type { FeatureValue } from './definitions/types.js';
import { FeatureError } from './features.errors.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import { OfflineStoreService, type HistoricalRow, type InteractionLabels, type LabelRow } from './offline-store.service.js';
import { rankFeatures, type FeatureRanking } from './selection.js';
import { isNumericType } from './stats.js';
import { StatisticsService } from './statistics.service.js';

export type TrainingSetFormat = 'jsonl' | 'csv';
export type LabelSource = { rows: LabelRow[] } | { interactions: InteractionLabels };

export interface ExportOptions {
  service: string;
  source: LabelSource;
  format: TrainingSetFormat;
  /** Store this set's statistics as the service version's training statistics (default true). */
  recordStatistics?: boolean;
  /** Refuse sets with more rows than this (GraphQL returns the file inline). */
  maxRows?: number;
}

export interface ExportSummary {
  service: string;
  version: number;
  format: TrainingSetFormat;
  rows: number;
  features: string[];
  positives: number;
  statisticsRecorded: boolean;
}

/** Writes point-in-time training sets (JSONL or CSV) and ranks features against their labels. */
@Injectable()
export class TrainingSetService {
  constructor(
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(OfflineStoreService) private readonly offline: OfflineStoreService,
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
  ) {}

  /** Streams the set to `write` (a file, a response, a string builder). */
  async export(opts: ExportOptions, write: (chunk: string) => Promise<void> | void, onProgress?: (done: number, total: number) => void): Promise<ExportSummary> {
    if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new FeatureError('INVALID_INPUT', `format must be jsonl or csv, got "${String(opts.format)}"`, { field: 'format' });
    const service = await this.registry.resolveService(opts.service);
    return this.offline.withLabels(service, opts.source, async (runner, count) => {
      if (opts.maxRows !== undefined && count > opts.maxRows) {
        throw new FeatureError('INVALID_INPUT', `the training set has ${count} rows, more than ${opts.maxRows} can be returned here; use \`matchlab features export\` to write a file`, { field: 'limit', rows: count });
      }
      const record = opts.recordStatistics ?? true;
      const stats = record
        ? await this.statistics.saveTrainingStats(service, await this.offline.sampleJoined(runner, service, count), { rows: count, source: 'rows' in opts.source ? 'rows' : { interactions: opts.source.interactions }, exportedAt: new Date().toISOString() }, runner)
        : await this.statistics.trainingStats(service.id, runner);
      if (opts.format === 'csv') await write(`${['candidate_id', 'job_id', 'timestamp', 'label', ...service.featureNames].map(csvCell).join(',')}\n`);
      let done = 0, positives = 0;
      for await (const batch of this.offline.fetchJoined(runner, service, stats)) {
        await write(batch.map((r) => (opts.format === 'csv' ? csvLine(r) : jsonLine(r, service.featureNames))).join(''));
        done += batch.length;
        positives += batch.filter((r) => (r.label ?? 0) > 0).length;
        onProgress?.(done, count);
      }
      return { service: service.name, version: service.version, format: opts.format, rows: done, features: service.featureNames, positives, statisticsRecorded: record };
    });
  }

  /**
   * Ranks the service's numeric (and boolean) features against the labels: mutual information, chi-square,
   * and standardised logistic-regression importance. Up to 200,000 rows (an even sample beyond).
   */
  async rank(serviceRef: string, source: LabelSource): Promise<{ service: string; version: number; rows: number; positives: number; ranking: FeatureRanking[] }> {
    const service = await this.registry.resolveService(serviceRef);
    return this.offline.withLabels(service, source, async (runner, count) => {
      const every = Math.max(1, Math.ceil(count / 200_000));
      const rows: HistoricalRow[] = [];
      const stats = await this.statistics.trainingStats(service.id, runner);
      for await (const b of this.offline.fetchJoined(runner, service, stats, { every })) rows.push(...b);
      const labels = rows.map((r) => r.label ?? 0);
      const types = service.members.flatMap((m) => m.features.map((f) => f.type));
      const columns = service.featureNames
        .map((name, c) => ({ name, c, type: types[c]! }))
        .filter((x) => isNumericType(x.type) || x.type === 'bool')
        .map((x) => ({ name: x.name, values: rows.map((r) => asNumber(r.values[x.c])) }));
      return { service: service.name, version: service.version, rows: rows.length, positives: labels.filter((l) => l > 0).length, ranking: rankFeatures(columns, labels) };
    });
  }
}

function asNumber(v: FeatureValue | undefined): number | null {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : null;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: HistoricalRow): string {
  return `${[r.candidateId, r.jobId, r.timestamp, r.label, ...r.values].map(csvCell).join(',')}\n`;
}

function jsonLine(r: HistoricalRow, names: string[]): string {
  const o: Record<string, unknown> = { candidate_id: r.candidateId, job_id: r.jobId, timestamp: r.timestamp.toISOString(), label: r.label };
  names.forEach((n, i) => { o[n] = r.values[i] ?? null; });
  return `${JSON.stringify(o)}\n`;
}
