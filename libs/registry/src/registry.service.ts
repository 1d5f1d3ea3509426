import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordAudit } from '@app/audit';
import { KeyValueStore } from '@app/kv';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { assertAlias, assertModelName, parseModelRef } from './model-ref.js';
import { AliasHistoryEntity, ModelAliasEntity, ModelEntity, ModelVersionEntity } from './model.entity.js';
import { evaluateGate, parseGate, type PromotionGate } from './promotion-gate.js';
import { RegistryError } from './registry.errors.js';
import { recordEvent, REGISTRY_EVENTS_CHANNEL, type RegistryEvent } from './registry-events.js';

export { REGISTRY_EVENTS_CHANNEL, type RegistryEvent } from './registry-events.js';

export interface NewVersion {
  artifact: Buffer;
  artifactFormat: string;
  strategy?: string;
  params: Record<string, unknown>;
  dataset: Record<string, unknown>;
  featureSet?: Record<string, unknown>;
  codeVersion: string;
  trainingSeconds: number;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  createdBy: string;
  trainingJobId?: string;
}

export interface AliasMove {
  actor: string;
  reason?: string;
  experimentKey?: string;
  /** The experiment was concluded (checked by the experiments domain); satisfies the gate when allowed. */
  experimentConcluded?: boolean;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Models, immutable versions, aliases with an append-only history, promotion gates. */
@Injectable()
export class RegistryService {
  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(KeyValueStore) private readonly kv: KeyValueStore) {}

  async registerModel(input: { name: string; strategy: string; description?: string; owner: string; gate?: Partial<PromotionGate> }): Promise<ModelEntity> {
    assertModelName(input.name);
    let gate: PromotionGate;
    try {
      gate = parseGate(input.gate);
    } catch (err) {
      throw new RegistryError('INVALID_INPUT', (err as Error).message);
    }
    if (await this.db.getRepository(ModelEntity).exists({ where: { name: input.name } })) throw new RegistryError('CONFLICT', `model ${input.name} already exists`);
    const { model, event } = await this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ModelEntity);
      const saved = await repo.save(repo.create({ name: input.name, strategy: input.strategy, description: input.description ?? '', owner: input.owner, gate: { ...gate } }));
      return { model: saved, event: await recordEvent(tx, { type: 'model.registered', model: saved.name, actor: input.owner }) };
    });
    await this.publish(event);
    return model;
  }

  listModels(): Promise<ModelEntity[]> {
    return this.db.getRepository(ModelEntity).find({ order: { name: 'ASC' } });
  }

  async getModel(name: string): Promise<ModelEntity> {
    const model = await this.db.getRepository(ModelEntity).findOne({ where: { name } });
    if (!model) throw new RegistryError('NOT_FOUND', `model ${name} not found`);
    return model;
  }

  versions(modelId: string): Promise<ModelVersionEntity[]> {
    return this.db.getRepository(ModelVersionEntity).find({ where: { modelId }, order: { version: 'DESC' } });
  }

  aliases(modelId: string): Promise<ModelAliasEntity[]> {
    return this.db.getRepository(ModelAliasEntity).find({ where: { modelId }, order: { alias: 'ASC' } });
  }

  /** Stores the artifact (content-addressed, deduplicated) and the next version number in one transaction. */
  async createVersion(modelName: string, input: NewVersion): Promise<ModelVersionEntity> {
    return (await this.createVersions(modelName, [input]))[0]!;
  }

  /**
   * Registers several versions (a hyperparameter search's trials) all or nothing: one transaction numbers them
   * consecutively, stores their artifacts and events. `inTransaction` runs last, inside the same transaction,
   * so a caller can commit its own bookkeeping with the versions, or veto them (throw) and leave no trace.
   */
  async createVersions(modelName: string, inputs: NewVersion[], opts: { inTransaction?: (tx: EntityManager, versions: ModelVersionEntity[]) => Promise<void> } = {}): Promise<ModelVersionEntity[]> {
    const model = await this.getModel(modelName);
    if (inputs.length === 0) throw new RegistryError('INVALID_INPUT', 'no versions to register');
    inputs.forEach((input, i) => {
      if (input.artifact.length === 0) throw new RegistryError('INVALID_INPUT', inputs.length > 1 ? `artifact ${i + 1} is empty` : 'artifact is empty');
    });
    const { versions, events } = await this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM models WHERE id = $1 FOR UPDATE', [model.id]); // serialises version numbering
      const created: ModelVersionEntity[] = [];
      const recorded: RegistryEvent[] = [];
      for (const input of inputs) {
        const v = await this.insertVersion(tx, model, input);
        created.push(v);
        recorded.push(await recordEvent(tx, { type: 'version.created', model: model.name, version: v.version, actor: v.createdBy }));
      }
      await opts.inTransaction?.(tx, created);
      return { versions: created, events: recorded };
    });
    for (const e of events) await this.publish(e);
    return versions;
  }

  private async insertVersion(tx: EntityManager, model: ModelEntity, input: NewVersion): Promise<ModelVersionEntity> {
    const digest = sha256(input.artifact);
    await tx.query('INSERT INTO model_artifacts (sha256, size_bytes, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [digest, input.artifact.length, input.artifact]);
    const [{ next }] = await tx.query('SELECT coalesce(max(version), 0) + 1 AS next FROM model_versions WHERE model_id = $1', [model.id]);
    const repo = tx.getRepository(ModelVersionEntity);
    return repo.save(
      repo.create({
        modelId: model.id,
        version: Number(next),
        status: 'ready',
        strategy: input.strategy ?? model.strategy,
        params: input.params,
        dataset: input.dataset,
        featureSet: input.featureSet ?? {},
        codeVersion: input.codeVersion,
        trainingSeconds: input.trainingSeconds,
        artifactSha256: digest,
        artifactFormat: input.artifactFormat,
        metrics: input.metrics ?? {},
        tags: input.tags ?? {},
        createdBy: input.createdBy,
        trainingJobId: input.trainingJobId ?? null,
      }),
    );
  }

  /** A version by "name@alias" or "name/3". */
  async resolve(ref: string): Promise<{ model: ModelEntity; version: ModelVersionEntity }> {
    const parsed = parseModelRef(ref);
    const model = await this.getModel(parsed.model);
    let version: ModelVersionEntity | null;
    if ('alias' in parsed) {
      const alias = await this.db.getRepository(ModelAliasEntity).findOne({ where: { modelId: model.id, alias: parsed.alias } });
      if (!alias) throw new RegistryError('NOT_FOUND', `model ${model.name} has no alias ${parsed.alias}`);
      version = await this.db.getRepository(ModelVersionEntity).findOne({ where: { id: alias.versionId } });
    } else {
      version = await this.db.getRepository(ModelVersionEntity).findOne({ where: { modelId: model.id, version: parsed.version } });
    }
    if (!version) throw new RegistryError('NOT_FOUND', `model version ${ref} not found`);
    return { model, version };
  }

  /** The artifact bytes, checked against the checksum the version was registered with. */
  async loadArtifact(version: ModelVersionEntity): Promise<Buffer> {
    if (version.status === 'archived') throw new RegistryError('ARCHIVED', `version ${version.version} is archived and cannot be served`);
    const rows: Array<{ content: Buffer }> = await this.db.query('SELECT content FROM model_artifacts WHERE sha256 = $1', [version.artifactSha256]);
    const content = rows[0]?.content;
    if (!content) throw new RegistryError('CORRUPT_ARTIFACT', `artifact ${version.artifactSha256} is missing`);
    const actual = sha256(content);
    if (actual !== version.artifactSha256) {
      throw new RegistryError('CORRUPT_ARTIFACT', `artifact checksum mismatch: expected ${version.artifactSha256}, got ${actual}`);
    }
    return content;
  }

  /** Metrics are attached after registration by evaluation jobs; merged, never removed. */
  async attachMetrics(versionId: string, metrics: Record<string, number>): Promise<void> {
    await this.db.query('UPDATE model_versions SET metrics = metrics || $2::jsonb WHERE id = $1', [versionId, JSON.stringify(metrics)]);
  }

  /** Lineage annotations added after registration (e.g. the evaluations a retrain run ran); merged, never removed. */
  async tagVersion(versionId: string, tags: Record<string, string>): Promise<void> {
    await this.db.query('UPDATE model_versions SET tags = tags || $2::jsonb WHERE id = $1', [versionId, JSON.stringify(tags)]);
  }

  async setAlias(modelName: string, alias: string, versionNumber: number, move: AliasMove): Promise<{ version: ModelVersionEntity; gateReason: string }> {
    assertAlias(alias);
    const model = await this.getModel(modelName);
    const result = await this.db.transaction(async (tx) => {
      const target = await this.lockedVersion(tx, model, versionNumber);
      const current = await this.currentAlias(tx, model, alias);
      const decision = evaluateGate(parseGate(model.gate), {
        alias,
        candidateMetrics: target.metrics,
        incumbentMetrics: current && current.id !== target.id ? current.metrics : undefined,
        concludedExperiment: move.experimentConcluded ? move.experimentKey : undefined,
      });
      if (!decision.allowed) {
        throw new RegistryError('GATE_REFUSED', `promotion of ${model.name}/${target.version} to ${alias} refused: ${decision.reason}`, { reason: decision.reason });
      }
      const event = await this.writeAlias(tx, model, alias, target, current, 'set', move);
      return { version: target, gateReason: decision.reason, event };
    });
    await this.publish(result.event);
    return { version: result.version, gateReason: result.gateReason };
  }

  /** Moves the alias back to the version it pointed at before its last move. */
  async rollbackAlias(modelName: string, alias: string, move: AliasMove): Promise<ModelVersionEntity> {
    assertAlias(alias);
    const model = await this.getModel(modelName);
    const result = await this.db.transaction(async (tx) => {
      const current = await this.currentAlias(tx, model, alias);
      if (!current) throw new RegistryError('NOT_FOUND', `model ${model.name} has no alias ${alias}`);
      const last = await tx.getRepository(AliasHistoryEntity).findOne({ where: { modelId: model.id, alias }, order: { id: 'DESC' } });
      if (!last?.fromVersion) throw new RegistryError('CONFLICT', `alias ${alias} of ${model.name} has no earlier version to roll back to`);
      const previous = await this.lockedVersion(tx, model, last.fromVersion);
      const event = await this.writeAlias(tx, model, alias, previous, current, 'rollback', move);
      return { previous, event };
    });
    await this.publish(result.event);
    return result.previous;
  }

  async aliasHistory(modelName: string, alias?: string): Promise<AliasHistoryEntity[]> {
    const model = await this.getModel(modelName);
    return this.db.getRepository(AliasHistoryEntity).find({ where: alias ? { modelId: model.id, alias } : { modelId: model.id }, order: { id: 'ASC' } });
  }

  /** Which version the alias pointed at, at time `at` (null when unset then). */
  async aliasAt(modelName: string, alias: string, at: Date): Promise<number | null> {
    const model = await this.getModel(modelName);
    const rows: Array<{ to_version: number | null }> = await this.db.query(
      // History times have microseconds; the JS Date asked about has milliseconds.
      `SELECT to_version FROM model_alias_history WHERE model_id = $1 AND alias = $2 AND date_trunc('milliseconds', at) <= $3 ORDER BY at DESC, id DESC LIMIT 1`,
      [model.id, alias, at],
    );
    return rows[0]?.to_version ?? null;
  }

  async archiveVersion(modelName: string, versionNumber: number, actor = 'unknown'): Promise<ModelVersionEntity> {
    const model = await this.getModel(modelName);
    const { version, event } = await this.db.transaction(async (tx) => {
      const v = await tx.getRepository(ModelVersionEntity).findOne({ where: { modelId: model.id, version: versionNumber }, lock: { mode: 'pessimistic_write' } });
      if (!v) throw new RegistryError('NOT_FOUND', `model version ${model.name}/${versionNumber} not found`);
      const held = await tx.getRepository(ModelAliasEntity).find({ where: { versionId: v.id } });
      if (held.length) throw new RegistryError('CONFLICT', `${model.name}/${versionNumber} is still ${held.map((a) => a.alias).join(', ')}; move the alias first`);
      v.status = 'archived';
      v.archivedAt = new Date();
      const saved = await tx.getRepository(ModelVersionEntity).save(v);
      return { version: saved, event: await recordEvent(tx, { type: 'version.archived', model: model.name, version: versionNumber, actor }) };
    });
    await this.publish(event);
    return version;
  }

  private async lockedVersion(tx: EntityManager, model: ModelEntity, versionNumber: number): Promise<ModelVersionEntity> {
    const v = await tx.getRepository(ModelVersionEntity).findOne({ where: { modelId: model.id, version: versionNumber } });
    if (!v) throw new RegistryError('NOT_FOUND', `model version ${model.name}/${versionNumber} not found`);
    if (v.status === 'archived') throw new RegistryError('ARCHIVED', `${model.name}/${versionNumber} is archived and cannot be promoted`);
    return v;
  }

  private async currentAlias(tx: EntityManager, model: ModelEntity, alias: string): Promise<ModelVersionEntity | undefined> {
    const rows: Array<{ version_id: string }> = await tx.query('SELECT version_id FROM model_aliases WHERE model_id = $1 AND alias = $2 FOR UPDATE', [model.id, alias]);
    if (!rows[0]) return undefined;
    return (await tx.getRepository(ModelVersionEntity).findOne({ where: { id: rows[0].version_id } })) ?? undefined;
  }

  private async writeAlias(tx: EntityManager, model: ModelEntity, alias: string, target: ModelVersionEntity, current: ModelVersionEntity | undefined, action: 'set' | 'rollback', move: AliasMove): Promise<RegistryEvent> {
    await tx.query(
      `INSERT INTO model_aliases (model_id, alias, version_id, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at`,
      [model.id, alias, target.id],
    );
    await tx.query(
      `INSERT INTO model_alias_history (model_id, alias, from_version, to_version, action, actor, reason, experiment_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [model.id, alias, current?.version ?? null, target.version, action, move.actor, move.reason ?? '', move.experimentKey ?? null],
    );
    await recordAudit(tx, { actor: move.actor, action: action === 'set' ? 'model.promote' : 'model.rollback', subject: `model:${model.name}/${alias}`, detail: { fromVersion: current?.version ?? null, toVersion: target.version, reason: move.reason ?? '', experimentKey: move.experimentKey ?? null } });
    return recordEvent(tx, {
      type: 'alias.moved',
      model: model.name,
      alias,
      action,
      version: target.version,
      fromVersion: current?.version ?? null,
      toVersion: target.version,
      actor: move.actor,
      reason: move.reason ?? '',
      experimentKey: move.experimentKey ?? null,
    });
  }

  private async publish(event: RegistryEvent): Promise<void> {
    await this.kv.publish(REGISTRY_EVENTS_CHANNEL, JSON.stringify(event)).catch(() => undefined);
  }
}
