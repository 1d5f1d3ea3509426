import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import type { FeatureSpec, FeatureValue } from './definitions/types.js';
import { FeatureError } from './features.errors.js';
import { FeatureRegistryService, type ResolvedMember, type ResolvedService, type ResolvedView } from './feature-registry.service.js';
import { applyMissingPolicy } from './missing-policy.js';
import type { FeatureStatistics } from './stats.js';

/** One feature row to append: values in the view version's schema order. */
export interface FeatureRecord {
  key: string;
  eventTime: Date;
  values: FeatureValue[];
}

/** A training-set row request: the entity ids the service's views need, and the time the label was observed. */
export interface LabelRow {
  candidateId?: string | number | null;
  jobId?: string | number | null;
  timestamp?: Date | string | null;
  label?: number | null;
}

/** Labels built from the interaction log: every impression in [from, to) of a consenting candidate; label 1 when
 *  a positive event (click or apply by default) on the same job followed within `windowHours`. */
export interface InteractionLabels {
  from: Date;
  to: Date;
  positive?: string[];
  windowHours?: number;
  limit?: number;
}

export interface HistoricalRow {
  candidateId: string | null;
  jobId: string | null;
  timestamp: Date;
  label: number | null;
  /** In `featureNames` order; missing values after the declared policy. */
  values: FeatureValue[];
}

const APPEND_BATCH = 5000;
const FETCH_BATCH = 5000;
const STATS_ROWS = 200_000;

function keyExpr(view: ResolvedView, alias = 'l'): string {
  switch (view.entity) {
    case 'candidate': return `${alias}.candidate_id`;
    case 'job': return `${alias}.job_id`;
    case 'candidate_job': return `(${alias}.candidate_id || ':' || ${alias}.job_id)`;
  }
}

/**
 * The point-in-time join as SQL: per label row and view, the latest row of that view version with
 * event_time <= ts and event_time > ts − ttl (LATERAL + the (view_version_id, entity_key, event_time DESC) index).
 * Columns: row_id, then t<k> (event time) and v<k> (values array) per member.
 */
export function pointInTimeSql(service: Pick<ResolvedService, 'members'>, labelsTable: string): string {
  const joins = service.members.map((m, k) => `
    LEFT JOIN LATERAL (
      SELECT r.event_time, r."values" FROM feature_rows r
       WHERE r.view_version_id = ${Number(m.view.id)} AND r.entity_key = ${keyExpr(m.view)}
         AND r.event_time <= l.ts AND r.event_time > l.ts - interval '${Number(m.view.ttlSeconds)} seconds'
       ORDER BY r.event_time DESC LIMIT 1) f${k} ON true`);
  const cols = service.members.map((_, k) => `f${k}.event_time AS t${k}, f${k}."values" AS v${k}`);
  return `SELECT l.row_id${cols.length ? `, ${cols.join(', ')}` : ''} FROM ${labelsTable} l${joins.join('')}`;
}

/** Append-only offline store and point-in-time training sets. */
@Injectable()
export class OfflineStoreService {
  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService) {}

  /**
   * Appends rows of one view version. Idempotent per (key, event_time): a row already stored for that key and
   * time is kept and the new one skipped, so a retried computation adds nothing. Returns rows appended.
   */
  async append(viewVersionId: number, records: FeatureRecord[], runner?: QueryRunner): Promise<number> {
    const first = new Map<string, FeatureRecord>();
    for (const r of records) {
      const k = `${r.key}\u0000${r.eventTime.getTime()}`;
      if (!first.has(k)) first.set(k, r); // as across calls: the first row for a (key, time) stays
    }
    const unique = [...first.values()];
    let appended = 0;
    for (let s = 0; s < unique.length; s += APPEND_BATCH) {
      const batch = unique.slice(s, s + APPEND_BATCH);
      const res = await (runner ?? this.db).query(
        `INSERT INTO feature_rows (view_version_id, entity_key, event_time, "values")
         SELECT $1, u.k, u.t, u.v::jsonb FROM unnest($2::text[], $3::timestamptz[], $4::text[]) AS u(k, t, v)
          WHERE NOT EXISTS (SELECT 1 FROM feature_rows r WHERE r.view_version_id = $1 AND r.entity_key = u.k AND r.event_time = u.t)
         RETURNING 1`,
        [viewVersionId, batch.map((r) => r.key), batch.map((r) => r.eventTime), batch.map((r) => JSON.stringify(r.values))],
      ) as unknown[];
      appended += res.length;
    }
    return appended;
  }

  async rowCount(viewVersionId: number): Promise<{ rows: number; keys: number; latest: Date | null }> {
    const r = await this.db.query(`SELECT count(*)::text AS rows, count(DISTINCT entity_key)::text AS keys, max(event_time) AS latest FROM feature_rows WHERE view_version_id = $1`, [viewVersionId]) as Array<{ rows: string; keys: string; latest: Date | null }>;
    return { rows: Number(r[0]!.rows), keys: Number(r[0]!.keys), latest: r[0]!.latest };
  }

  /**
   * Point-in-time correct features for label rows: for each row, each view's latest value at or before the
   * row's timestamp and within the view's TTL (never a later one), missing values per the declared policy
   * (mean: from `stats`, when given).
   */
  async getHistoricalFeatures(rows: LabelRow[], serviceRef: string, opts: { stats?: Map<string, FeatureStatistics> } = {}): Promise<{ service: ResolvedService; rows: HistoricalRow[] }> {
    const service = await this.registry.resolveService(serviceRef);
    const out: HistoricalRow[] = [];
    await this.withLabels(service, { rows }, async (runner) => {
      for await (const batch of this.fetchJoined(runner, service, opts.stats)) out.push(...batch);
    });
    return { service, rows: out };
  }

  /**
   * Runs `fn` with the labels loaded into the temp table `fs_labels` (row_id, candidate_id, job_id, ts, label)
   * and joined into `fs_joined`, inside one transaction on one connection.
   */
  async withLabels<T>(service: ResolvedService, source: { rows: LabelRow[] } | { interactions: InteractionLabels }, fn: (runner: QueryRunner, count: number) => Promise<T>): Promise<T> {
    if ('rows' in source) this.validateLabels(service, source.rows);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`CREATE TEMP TABLE fs_labels (row_id bigint NOT NULL, candidate_id text, job_id text, ts timestamptz NOT NULL, label double precision) ON COMMIT DROP`);
      if ('rows' in source) {
        const rows = source.rows;
        for (let s = 0; s < rows.length; s += APPEND_BATCH) {
          const b = rows.slice(s, s + APPEND_BATCH);
          await runner.query(
            `INSERT INTO fs_labels SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])`,
            [b.map((_, i) => s + i), b.map((r) => idText(r.candidateId)), b.map((r) => idText(r.jobId)), b.map((r) => new Date(r.timestamp as string | Date)), b.map((r) => (typeof r.label === 'number' ? r.label : null))],
          );
        }
      } else {
        await this.insertInteractionLabels(runner, source.interactions);
      }
      const count = Number(((await runner.query(`SELECT count(*)::text AS n FROM fs_labels`)) as Array<{ n: string }>)[0]!.n);
      await runner.query(`CREATE TEMP TABLE fs_joined ON COMMIT DROP AS ${pointInTimeSql(service, 'fs_labels')}`);
      await runner.query(`CREATE INDEX ON fs_joined (row_id)`);
      const result = await fn(runner, count);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async insertInteractionLabels(runner: QueryRunner, spec: InteractionLabels): Promise<void> {
    if (!(spec.from instanceof Date) || Number.isNaN(spec.from.getTime()) || !(spec.to instanceof Date) || Number.isNaN(spec.to.getTime())) {
      throw new FeatureError('MISSING_TIMESTAMP', 'a training set from interactions needs valid from and to times', { field: 'from' });
    }
    const positive = spec.positive ?? ['click', 'apply'];
    await runner.query(
      `INSERT INTO fs_labels (row_id, candidate_id, job_id, ts, label)
       SELECT row_number() OVER (ORDER BY i.occurred_at, i.id) - 1, i.candidate_id::text, i.job_id::text, i.occurred_at,
              CASE WHEN EXISTS (SELECT 1 FROM interactions p WHERE p.candidate_id = i.candidate_id AND p.job_id = i.job_id
                                   AND p.type = ANY($3::text[]) AND p.occurred_at >= i.occurred_at
                                   AND p.occurred_at < i.occurred_at + make_interval(hours => $4::int)) THEN 1 ELSE 0 END
         FROM (SELECT i.* FROM interactions i JOIN candidates c ON c.id = i.candidate_id AND c.consent_training
                WHERE i.type = 'impression' AND i.occurred_at >= $1 AND i.occurred_at < $2
                ORDER BY i.occurred_at, i.id LIMIT $5) i`,
      [spec.from, spec.to, positive, spec.windowHours ?? 168, spec.limit ?? 1_000_000],
    );
  }

  /** Streams the joined rows (fs_joined ⋈ fs_labels) in row order, batch by batch. */
  async *fetchJoined(runner: QueryRunner, service: ResolvedService, stats?: Map<string, FeatureStatistics>, opts: { raw?: boolean; every?: number } = {}): AsyncGenerator<HistoricalRow[]> {
    const cols = service.members.map((_, k) => `j.v${k}`).join(', ');
    const where = opts.every && opts.every > 1 ? `WHERE l.row_id % ${Math.floor(opts.every)} = 0` : '';
    await runner.query(`DECLARE fs_cursor NO SCROLL CURSOR FOR SELECT l.candidate_id, l.job_id, l.ts, l.label${cols ? `, ${cols}` : ''}
      FROM fs_labels l JOIN fs_joined j ON j.row_id = l.row_id ${where} ORDER BY l.row_id`);
    try {
      for (;;) {
        const batch = (await runner.query(`FETCH ${FETCH_BATCH} FROM fs_cursor`)) as Array<Record<string, unknown>>;
        if (batch.length === 0) break;
        yield batch.map((r) => ({
          candidateId: r['candidate_id'] as string | null,
          jobId: r['job_id'] as string | null,
          timestamp: r['ts'] as Date,
          label: r['label'] === null ? null : Number(r['label']),
          values: flattenMembers(service.members, (k) => r[`v${k}`] as FeatureValue[] | null, opts.raw ? undefined : stats ?? new Map()),
        }));
        if (batch.length < FETCH_BATCH) break;
      }
    } finally {
      await runner.query(`CLOSE fs_cursor`).catch(() => undefined);
    }
  }

  /** Raw (pre-policy) values of a deterministic sample of the joined rows, for training statistics. */
  async sampleJoined(runner: QueryRunner, service: ResolvedService, count: number): Promise<FeatureValue[][]> {
    const every = Math.max(1, Math.ceil(count / STATS_ROWS));
    const out: FeatureValue[][] = [];
    for await (const b of this.fetchJoined(runner, service, undefined, { raw: true, every })) for (const r of b) out.push(r.values);
    return out;
  }

  private validateLabels(service: ResolvedService, rows: LabelRow[]): void {
    const needs = new Set(service.members.flatMap((m) => (m.view.entity === 'candidate_job' ? ['candidateId', 'jobId'] : [m.view.entity === 'candidate' ? 'candidateId' : 'jobId'])));
    rows.forEach((r, i) => {
      if (r.timestamp === null || r.timestamp === undefined || r.timestamp === '') {
        throw new FeatureError('MISSING_TIMESTAMP', `training-set row ${i} has no timestamp: point-in-time features need the time each label was observed`, { field: `rows[${i}].timestamp`, row: i });
      }
      const t = new Date(r.timestamp);
      if (Number.isNaN(t.getTime())) throw new FeatureError('INVALID_INPUT', `training-set row ${i}: timestamp "${String(r.timestamp)}" is not a time`, { field: `rows[${i}].timestamp`, row: i });
      for (const k of needs) {
        const v = r[k as 'candidateId' | 'jobId'];
        if (v === null || v === undefined || v === '') throw new FeatureError('INVALID_INPUT', `training-set row ${i} has no ${k}, which service ${service.name} needs`, { field: `rows[${i}].${k}`, row: i });
      }
    });
  }
}

function idText(v: string | number | null | undefined): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** The service's selected values from each member's stored array, with the missing-value policy applied. */
export function flattenMembers(members: ResolvedMember[], valuesOf: (k: number) => FeatureValue[] | null, stats?: Map<string, FeatureStatistics>): FeatureValue[] {
  const out: FeatureValue[] = [];
  members.forEach((m, k) => {
    const arr = valuesOf(k);
    m.positions.forEach((p, i) => {
      const v = arr ? (arr[p] ?? null) : null;
      const f: FeatureSpec = m.features[i]!;
      out.push(stats ? applyMissingPolicy(f, v, stats.get(`${m.view.name}.${f.name}`)) : v);
    });
  });
  return out;
}
