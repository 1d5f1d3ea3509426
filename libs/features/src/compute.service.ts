import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FeatureViewDefinition, Row, StoredVocabulary, TransformContext, VocabularyData } from './definitions/types.js';
import { entityKeyOf, eventTimeOf, rowValues } from './definitions/values.js';
import { canonicalJson } from './definitions/versioning.js';
import { ENTITIES } from './definitions/types.js';
import { FeatureError } from './features.errors.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import { OfflineStoreService, type FeatureRecord } from './offline-store.service.js';
import { createHash } from 'node:crypto';

export interface ComputeOptions {
  /** Views to compute (default: every view defined in code). */
  views?: string[];
  /** Default: now. */
  asOf?: Date;
  /** Views whose event time is the as-of time also get one row per step over the last N days (default 0). */
  backfillDays?: number;
  stepHours?: number;
  /** Fit the text vocabulary again (a new vocabulary version) instead of reusing the stored one. */
  refitVocabulary?: boolean;
}

export interface ComputeResult {
  asOf: string;
  views: Array<{ view: string; version: number; steps: number; rows: number; appended: number; seconds: number }>;
  vocabularies: Record<string, number>;
}

export type ComputeProgress = (p: { view: string; viewIndex: number; views: number; step: number; steps: number }) => Promise<void> | void;

const MAX_STEPS = 400;

/**
 * Computes views from the market tables and appends them to the offline store: source SQL at each as-of
 * time, the view's transform, type checks against the schema, idempotent append.
 */
@Injectable()
export class ComputeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(OfflineStoreService) private readonly offline: OfflineStoreService,
  ) {}

  async compute(opts: ComputeOptions = {}, onProgress?: ComputeProgress): Promise<ComputeResult> {
    await this.registry.sync();
    const asOf = opts.asOf ?? new Date();
    if (Number.isNaN(asOf.getTime())) throw new FeatureError('INVALID_INPUT', 'asOf is not a valid time', { field: 'asOf' });
    const backfillDays = opts.backfillDays ?? 0, stepHours = opts.stepHours ?? 24;
    if (!(backfillDays >= 0) || !(stepHours > 0)) throw new FeatureError('INVALID_INPUT', 'backfillDays must be >= 0 and stepHours > 0', { field: backfillDays >= 0 ? 'stepHours' : 'backfillDays' });
    if ((backfillDays * 24) / stepHours > MAX_STEPS) throw new FeatureError('INVALID_INPUT', `a backfill of ${backfillDays} days every ${stepHours} h is more than ${MAX_STEPS} steps`, { field: 'backfillDays' });
    const defs = opts.views?.length ? opts.views.map((v) => this.registry.viewDefinition(v)) : this.registry.viewDefinitions();
    const ctx = this.context(asOf, !!opts.refitVocabulary);
    const result: ComputeResult = { asOf: asOf.toISOString(), views: [], vocabularies: {} };
    for (let d = 0; d < defs.length; d++) {
      const def = defs[d]!;
      const started = Date.now();
      const version = this.registry.currentVersion('view', def.name)!;
      const steps = def.asOfEventTime && def.backfill !== false ? stepTimes(asOf, backfillDays, stepHours) : [asOf];
      let rows = 0, appended = 0;
      for (let s = 0; s < steps.length; s++) {
        await onProgress?.({ view: def.name, viewIndex: d, views: defs.length, step: s, steps: steps.length });
        const records = await this.computeStep(def, { ...ctx, asOf: steps[s]! });
        rows += records.length;
        appended += await this.offline.append(version.id, records);
      }
      result.views.push({ view: def.name, version: version.version, steps: steps.length, rows, appended, seconds: (Date.now() - started) / 1000 });
    }
    for (const [name, v] of ctx.loaded) result.vocabularies[name] = v.version;
    return result;
  }

  /** One view at one as-of time: source → transform → checked records (not yet stored). */
  async computeStep(def: FeatureViewDefinition, ctx: TransformContext): Promise<FeatureRecord[]> {
    let source: Row[];
    try {
      source = (await this.db.query(def.source.sql, [ctx.asOf])) as Row[];
    } catch (err) {
      throw new FeatureError('COMPUTE_FAILED', `feature view ${def.name}: source query failed: ${(err as Error).message}`, { field: 'source', view: def.name });
    }
    const rows = def.transform ? await def.transform.fn(source, ctx) : source;
    const joinKeys = ENTITIES[def.entity].joinKeys;
    return rows.map((row, i) => {
      const where = `feature view ${def.name}, row ${i}`;
      const key = entityKeyOf(joinKeys, row, where);
      const eventTime = eventTimeOf(def.eventTimeColumn, row, where);
      // A value stamped after the time it was computed for would leak the future into training sets.
      if (eventTime.getTime() > ctx.asOf.getTime()) {
        throw new FeatureError('COMPUTE_FAILED', `${where}: event time ${eventTime.toISOString()} is after the as-of time ${ctx.asOf.toISOString()}`, { field: def.eventTimeColumn, view: def.name });
      }
      return { key, eventTime, values: rowValues(def, row, key) };
    });
  }

  private context(asOf: Date, refit: boolean): TransformContext & { loaded: Map<string, StoredVocabulary> } {
    const loaded = new Map<string, StoredVocabulary>();
    const pending = new Map<string, Promise<StoredVocabulary>>();
    return {
      asOf,
      loaded,
      query: async <T extends Row = Row>(sql: string, params?: unknown[]) => (await this.db.query(sql, params)) as T[],
      vocabulary: (name, fit) => {
        let p = pending.get(name);
        if (!p) {
          p = this.loadOrFitVocabulary(name, fit, refit).then((v) => { loaded.set(name, v); return v; });
          pending.set(name, p);
        }
        return p;
      },
    };
  }

  private async loadOrFitVocabulary(name: string, fit: () => Promise<VocabularyData> | VocabularyData, refit: boolean): Promise<StoredVocabulary> {
    if (!refit) {
      const rows = await this.db.query(`SELECT version, terms, df, docs FROM feature_vocabularies WHERE name = $1 ORDER BY version DESC LIMIT 1`, [name]) as Array<StoredVocabulary>;
      if (rows[0]) return rows[0];
    }
    const data = await fit();
    const fingerprint = createHash('sha256').update(canonicalJson(data)).digest('hex');
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('matchlab:feature_vocabularies'))`);
      const found = await tx.query(`SELECT version FROM feature_vocabularies WHERE name = $1 AND fingerprint = $2`, [name, fingerprint]) as Array<{ version: number }>;
      if (found[0]) return { ...data, version: found[0].version };
      const ins = await tx.query(
        `INSERT INTO feature_vocabularies (name, version, fingerprint, terms, df, docs)
         SELECT $1::varchar, COALESCE(max(version), 0) + 1, $2, $3::jsonb, $4::jsonb, $5 FROM feature_vocabularies WHERE name = $1::varchar RETURNING version`,
        [name, fingerprint, JSON.stringify(data.terms), JSON.stringify(data.df), data.docs],
      ) as Array<{ version: number }>;
      return { ...data, version: ins[0]!.version };
    });
  }

  async vocabulary(name: string, version?: number): Promise<StoredVocabulary & { createdAt: Date }> {
    const rows = await this.db.query(
      `SELECT version, terms, df, docs, created_at AS "createdAt" FROM feature_vocabularies WHERE name = $1 ${version ? 'AND version = $2' : ''} ORDER BY version DESC LIMIT 1`,
      version ? [name, version] : [name],
    ) as Array<StoredVocabulary & { createdAt: Date }>;
    if (!rows[0]) throw new FeatureError('NOT_FOUND', `vocabulary ${name}${version ? `/${version}` : ''} not found`, { field: 'vocabulary' });
    return rows[0];
  }
}

/** As-of times for a backfill: every `stepHours` back from `asOf` over `days`, oldest first, ending at asOf. */
export function stepTimes(asOf: Date, days: number, stepHours: number): Date[] {
  const n = Math.floor((days * 24) / stepHours);
  return Array.from({ length: n + 1 }, (_, k) => new Date(asOf.getTime() - (n - k) * stepHours * 3_600_000));
}
