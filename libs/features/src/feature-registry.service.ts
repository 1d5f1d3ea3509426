import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BUILTIN_SERVICES, BUILTIN_VIEWS } from './builtin/index.js';
import type { EntityName, FeatureServiceDefinition, FeatureSpec, FeatureViewDefinition } from './definitions/types.js';
import { serviceFingerprint, validateService, validateView, viewFingerprint, viewSignature } from './definitions/versioning.js';
import { FeatureDefinitionEntity } from './feature-definition.entity.js';
import { FeatureError } from './features.errors.js';

/** A stored view version: what reads need (schema, entity, TTL); the transform lives in code only. */
export interface ResolvedView {
  id: number;
  name: string;
  version: number;
  fingerprint: string;
  entity: EntityName;
  ttlSeconds: number;
  eventTimeColumn: string;
  asOfEventTime: boolean;
  /** The full schema, in stored (value) order. */
  features: FeatureSpec[];
  owner: string;
  description: string;
  createdAt: Date;
}

export interface ResolvedMember {
  view: ResolvedView;
  /** Selected features and their positions in the view's value array. */
  features: FeatureSpec[];
  positions: number[];
}

export interface ResolvedService {
  id: number;
  name: string;
  version: number;
  fingerprint: string;
  owner: string;
  description: string;
  createdAt: Date;
  members: ResolvedMember[];
  /** "<view>.<feature>" in service order. */
  featureNames: string[];
}

interface StoredViewSpec {
  entity: EntityName;
  ttlSeconds: number;
  eventTimeColumn: string;
  asOfEventTime: boolean;
  features: FeatureSpec[];
  source: string;
  transform: unknown;
  tags?: Record<string, string>;
}
interface StoredServiceSpec {
  views: Array<{ view: string; viewVersionId: number; version: number; features: string[] | null }>;
}

const LOCK = `SELECT pg_advisory_xact_lock(hashtext('matchlab:feature_definitions'))`;

/** "name" or "name/3". */
export function parseDefinitionRef(ref: string): { name: string; version?: number } {
  const m = /^([a-z][a-z0-9_]{0,62})(?:\/(\d+))?$/.exec(ref.trim());
  if (!m) throw new FeatureError('INVALID_INPUT', `"${ref}" is not a feature view or service reference (name or name/version)`, { field: 'ref' });
  return { name: m[1]!, version: m[2] ? Number(m[2]) : undefined };
}

/**
 * Definitions in code (built-ins plus any registered at runtime) and their stored versions. A version is the
 * hash of what determines the values; a changed definition becomes version n+1 when synced, and every older
 * version stays readable from the table (its schema is stored there).
 */
@Injectable()
export class FeatureRegistryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FeatureRegistry');
  private readonly views = new Map<string, FeatureViewDefinition>();
  private readonly services = new Map<string, FeatureServiceDefinition>();
  /** name → stored id/version of the code definition, filled by sync(). */
  private readonly current = new Map<string, { id: number; version: number; fingerprint: string }>();
  private syncing: Promise<void> | null = null;
  private dirty = true;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    for (const v of BUILTIN_VIEWS) this.defineView(v);
    for (const s of BUILTIN_SERVICES) this.defineService(s);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sync().catch((err: Error) => this.logger.warn(`feature definitions not synced at boot: ${err.message}`));
  }

  /** Adds a view definition; a second definition under the same name is refused unless `replace` (a new version). */
  defineView(def: FeatureViewDefinition, opts: { replace?: boolean } = {}): void {
    validateView(def);
    if (!opts.replace && this.views.has(def.name)) {
      throw new FeatureError('DUPLICATE_DEFINITION', `feature view ${def.name} is already defined`, { field: 'name', name: def.name });
    }
    this.views.set(def.name, def);
    this.dirty = true;
  }

  defineService(def: FeatureServiceDefinition, opts: { replace?: boolean } = {}): void {
    validateService(def, this.views);
    if (!opts.replace && this.services.has(def.name)) {
      throw new FeatureError('DUPLICATE_DEFINITION', `feature service ${def.name} is already defined`, { field: 'name', name: def.name });
    }
    this.services.set(def.name, def);
    this.dirty = true;
  }

  viewDefinition(name: string): FeatureViewDefinition {
    const v = this.views.get(name);
    if (!v) throw new FeatureError('NOT_FOUND', `unknown feature view "${name}"`, { field: 'view', name });
    return v;
  }

  viewDefinitions(): FeatureViewDefinition[] {
    return [...this.views.values()];
  }

  serviceDefinitions(): FeatureServiceDefinition[] {
    return [...this.services.values()];
  }

  /** Stores every code definition that has no version yet (idempotent; safe across processes). */
  async sync(): Promise<void> {
    if (!this.dirty && !this.syncing) return;
    while (this.syncing) await this.syncing;
    if (!this.dirty) return;
    this.dirty = false;
    this.syncing = this.db.transaction(async (tx) => {
      await tx.query(LOCK);
      const fps = new Map<string, string>();
      for (const v of this.views.values()) {
        const fp = viewFingerprint(v);
        fps.set(v.name, fp);
        const spec = { ...viewSignature(v), features: v.features.map((f) => ({ name: f.name, type: f.type, missing: f.missing ?? { strategy: 'null' }, ...(f.description ? { description: f.description } : {}) })), tags: v.tags ?? {} };
        this.current.set(`view:${v.name}`, await this.upsert(tx, 'view', v.name, fp, v.entity, spec, v.owner, v.description));
      }
      for (const s of this.services.values()) {
        const fp = serviceFingerprint(s, fps);
        const spec: StoredServiceSpec = {
          views: s.views.map((m) => {
            const cur = this.current.get(`view:${m.view}`)!;
            return { view: m.view, viewVersionId: cur.id, version: cur.version, features: m.features ?? null };
          }),
        };
        this.current.set(`service:${s.name}`, await this.upsert(tx, 'service', s.name, fp, null, spec as unknown as Record<string, unknown>, s.owner, s.description));
      }
    }).catch((err) => {
      this.dirty = true;
      throw err;
    }).finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  private async upsert(tx: EntityManager, kind: 'view' | 'service', name: string, fingerprint: string, entity: string | null, spec: Record<string, unknown>, owner: string, description: string) {
    const found = await tx.query(`SELECT id, version, owner, description FROM feature_definitions WHERE kind = $1 AND name = $2 AND fingerprint = $3`, [kind, name, fingerprint]) as Array<{ id: number; version: number; owner: string; description: string }>;
    if (found[0]) {
      // Owner and description are prose, not part of the version: kept current on the version in use.
      if (found[0].owner !== owner || found[0].description !== description) {
        await tx.query(`UPDATE feature_definitions SET owner = $2, description = $3 WHERE id = $1`, [found[0].id, owner, description]);
      }
      return { id: found[0].id, version: found[0].version, fingerprint };
    }
    const rows = await tx.query(
      `INSERT INTO feature_definitions (kind, name, version, fingerprint, entity, spec, owner, description)
       SELECT $1::varchar, $2::varchar, COALESCE(max(version), 0) + 1, $3, $4, $5::jsonb, $6, $7 FROM feature_definitions WHERE kind = $1::varchar AND name = $2::varchar
       RETURNING id, version`,
      [kind, name, fingerprint, entity, JSON.stringify(spec), owner, description],
    ) as Array<{ id: number; version: number }>;
    this.logger.log(`${kind} ${name}: new version ${rows[0]!.version}`);
    return { id: rows[0]!.id, version: rows[0]!.version, fingerprint };
  }

  /** A view version: "name" = the version defined in code now, "name/3" = that stored version. */
  async resolveView(ref: string): Promise<ResolvedView> {
    await this.sync();
    const { name, version } = parseDefinitionRef(ref);
    const row = await this.findRow('view', name, version);
    return toResolvedView(row);
  }

  async resolveViewById(id: number): Promise<ResolvedView> {
    const row = await this.db.getRepository(FeatureDefinitionEntity).findOne({ where: { id, kind: 'view' } });
    if (!row) throw new FeatureError('NOT_FOUND', `feature view version id ${id} not found`);
    return toResolvedView(row);
  }

  /** A service version with its members' stored schemas: "name" (as in code now) or "name/2" (pinned). */
  async resolveService(ref: string): Promise<ResolvedService> {
    await this.sync();
    const { name, version } = parseDefinitionRef(ref);
    return this.toResolvedService(await this.findRow('service', name, version));
  }

  async resolveServiceById(id: number): Promise<ResolvedService> {
    const row = await this.db.getRepository(FeatureDefinitionEntity).findOne({ where: { id, kind: 'service' } });
    if (!row) throw new FeatureError('NOT_FOUND', `feature service version id ${id} not found`);
    return this.toResolvedService(row);
  }

  private async toResolvedService(row: FeatureDefinitionEntity): Promise<ResolvedService> {
    const spec = row.spec as unknown as StoredServiceSpec;
    const members: ResolvedMember[] = [];
    for (const m of spec.views) {
      const view = await this.resolveViewById(m.viewVersionId);
      const names = m.features ?? view.features.map((f) => f.name);
      const positions = names.map((n) => view.features.findIndex((f) => f.name === n));
      members.push({ view, features: positions.map((p) => view.features[p]!), positions });
    }
    return {
      id: row.id, name: row.name, version: row.version, fingerprint: row.fingerprint, owner: row.owner, description: row.description, createdAt: row.createdAt,
      members, featureNames: members.flatMap((m) => m.features.map((f) => `${m.view.name}.${f.name}`)),
    };
  }

  private async findRow(kind: 'view' | 'service', name: string, version?: number): Promise<FeatureDefinitionEntity> {
    const repo = this.db.getRepository(FeatureDefinitionEntity);
    let row: FeatureDefinitionEntity | null;
    if (version !== undefined) {
      row = await repo.findOne({ where: { kind, name, version } });
    } else {
      const cur = this.current.get(`${kind}:${name}`);
      // Not defined in this process's code (e.g. removed since): the newest stored version.
      row = cur ? await repo.findOne({ where: { id: cur.id } }) : await repo.findOne({ where: { kind, name }, order: { version: 'DESC' } });
    }
    if (!row) throw new FeatureError('NOT_FOUND', `unknown feature ${kind} "${name}${version !== undefined ? `/${version}` : ''}"`, { field: kind, name, version });
    return row;
  }

  /** Every stored version, newest first per name. */
  async listVersions(kind: 'view' | 'service', name?: string): Promise<FeatureDefinitionEntity[]> {
    await this.sync();
    return this.db.getRepository(FeatureDefinitionEntity).find({ where: name ? { kind, name } : { kind }, order: { name: 'ASC', version: 'DESC' } });
  }

  /** Id of the version currently defined in code, if any. */
  currentVersion(kind: 'view' | 'service', name: string): { id: number; version: number } | undefined {
    return this.current.get(`${kind}:${name}`);
  }
}

export function toResolvedView(row: FeatureDefinitionEntity): ResolvedView {
  const spec = row.spec as unknown as StoredViewSpec;
  return {
    id: row.id, name: row.name, version: row.version, fingerprint: row.fingerprint, entity: spec.entity, ttlSeconds: spec.ttlSeconds,
    eventTimeColumn: spec.eventTimeColumn, asOfEventTime: spec.asOfEventTime, features: spec.features, owner: row.owner, description: row.description, createdAt: row.createdAt,
  };
}
