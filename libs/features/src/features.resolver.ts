import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { ComputeFeaturesInput, ExportTrainingSetInput, FeatureRankingInput, MaterializeFeaturesInput } from './dto/features.inputs.js';
import type { EntityName } from './definitions/types.js';
import { DriftService } from './drift.service.js';
import { FeatureJobsService } from './feature-jobs.service.js';
import { FeaturePinsService } from './feature-pins.service.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import { FeatureError } from './features.errors.js';
import { toDriftModel, toFeatureJobModel, toOnlineFeaturesModel, toServiceVersionModel, toStatisticsModel, toViewVersionModel } from './features.mapper.js';
import {
  FeatureDriftModel, FeatureJobModel, FeatureOfflineStateModel, FeatureOnlineStateModel, FeatureRankingModel, FeatureServiceModel, FeatureServiceVersionModel,
  FeatureStatisticsModel, FeatureViewModel, FeatureViewVersionModel, OnlineFeaturesModel, TrainingSetExportModel,
} from './features.model.js';
import { OfflineStoreService } from './offline-store.service.js';
import { OnlineService } from './online/online.service.js';
import { StatisticsService } from './statistics.service.js';
import { TrainingSetService, type LabelSource } from './training-set.service.js';

const MAX_INLINE_ROWS = 50_000;

@Resolver(() => FeatureViewModel)
export class FeatureViewResolver {
  constructor(@Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService) {}

  @RequirePermission('features:read')
  @Query(() => [FeatureViewModel], { description: 'Feature views with every stored version (newest first).' })
  async featureViews(@Args('name', { type: () => String, nullable: true }) name?: string): Promise<FeatureViewModel[]> {
    const rows = await this.registry.listVersions('view', name);
    const byName = new Map<string, typeof rows>();
    for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    return [...byName].map(([n, versions]) => ({
      name: n, entity: versions[0]!.entity ?? '', description: versions[0]!.description, owner: versions[0]!.owner,
      versions: versions.map((v) => toViewVersionModel(v, this.registry.currentVersion('view', n)?.id)),
    }));
  }
}

@Resolver(() => FeatureViewVersionModel)
export class FeatureViewVersionResolver {
  constructor(@Inject(OfflineStoreService) private readonly offlineStore: OfflineStoreService, @Inject(OnlineService) private readonly onlineService: OnlineService) {}

  @RequirePermission('features:read')
  @ResolveField(() => FeatureOfflineStateModel)
  async offline(@Parent() v: FeatureViewVersionModel): Promise<FeatureOfflineStateModel> {
    const c = await this.offlineStore.rowCount(Number(v.id));
    return { rows: c.rows, entities: c.keys, latestEventTime: c.latest };
  }

  @RequirePermission('features:read')
  @ResolveField(() => FeatureOnlineStateModel, { nullable: true })
  async online(@Parent() v: FeatureViewVersionModel): Promise<FeatureOnlineStateModel | null> {
    const p = await this.onlineService.pointer(Number(v.id));
    return p ? { backend: this.onlineService.backend, generation: p.generation, rows: p.rows, materializedAt: p.materializedAt } : null;
  }
}

@Resolver(() => FeatureServiceModel)
export class FeatureServiceResolver {
  constructor(@Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService) {}

  @RequirePermission('features:read')
  @Query(() => [FeatureServiceModel], { description: 'Feature services with every stored version, their training statistics and drift.' })
  async featureServices(@Args('name', { type: () => String, nullable: true }) name?: string): Promise<FeatureServiceModel[]> {
    const rows = await this.registry.listVersions('service', name);
    const out = new Map<string, FeatureServiceModel>();
    for (const r of rows) {
      const s = await this.registry.resolveServiceById(r.id);
      const model = out.get(r.name) ?? { name: r.name, description: r.description, owner: r.owner, versions: [] };
      model.versions.push(toServiceVersionModel(s, this.registry.currentVersion('service', r.name)?.id));
      out.set(r.name, model);
    }
    return [...out.values()];
  }
}

@Resolver(() => FeatureServiceVersionModel)
export class FeatureServiceVersionResolver {
  constructor(@Inject(StatisticsService) private readonly stats: StatisticsService, @Inject(DriftService) private readonly drifts: DriftService) {}

  @RequirePermission('features:read')
  @ResolveField(() => [FeatureStatisticsModel])
  async statistics(@Parent() s: FeatureServiceVersionModel): Promise<FeatureStatisticsModel[]> {
    return (await this.stats.list(Number(s.id))).map(toStatisticsModel);
  }

  @RequirePermission('features:read')
  @ResolveField(() => [FeatureDriftModel])
  async drift(@Parent() s: FeatureServiceVersionModel): Promise<FeatureDriftModel[]> {
    return (await this.drifts.latest(Number(s.id))).map(toDriftModel);
  }
}

@Resolver(() => OnlineFeaturesModel)
export class OnlineFeaturesResolver {
  constructor(
    @Inject(OnlineService) private readonly online: OnlineService,
    @Inject(FeaturePinsService) private readonly pins: FeaturePinsService,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
  ) {}

  @RequirePermission('features:online')
  @Query(() => OnlineFeaturesModel, { description: 'Current feature values with their age; values past their TTL come back missing (status "expired"), never stale. Give a service, or a model version whose pinned service version is read.' })
  async onlineFeatures(
    @Args('entity', { description: 'candidate | job | candidate_job (ids "<candidateId>:<jobId>")' }) entity: string,
    @Args('ids', { type: () => [ID] }) ids: string[],
    @Args('service', { nullable: true, description: 'Feature service ref: "name" or "name/2".' }) service?: string,
    @Args('model', { nullable: true, description: 'Or a model version ("name@alias" or "name/3"): the feature service version it pins.' }) model?: string,
  ): Promise<OnlineFeaturesModel> {
    if (ids.length > 1000) throw new FeatureError('INVALID_INPUT', `at most 1000 ids per request, got ${ids.length}`, { field: 'ids' });
    if (!service === !model) throw new FeatureError('INVALID_INPUT', 'give either service or model', { field: service ? 'model' : 'service' });
    const ref = service ?? (await this.pins.serviceRefForModel(model!));
    return toOnlineFeaturesModel(await this.online.getOnlineFeatures(entity as EntityName, ids, ref));
  }

  @RequirePermission('features:read')
  @Query(() => FeatureServiceVersionModel, { description: 'The feature service version a model version pins (its featureSet.featureService).' })
  async modelFeatureService(@Args('model', { description: '"name@alias" or "name/3"' }) model: string): Promise<FeatureServiceVersionModel> {
    const s = await this.pins.serviceForModel(model);
    return toServiceVersionModel(s, this.registry.currentVersion('service', s.name)?.id);
  }
}

@Resolver(() => FeatureJobModel)
export class FeatureJobResolver {
  constructor(@Inject(FeatureJobsService) private readonly jobs: FeatureJobsService, @Inject(TrainingSetService) private readonly sets: TrainingSetService) {}

  @RequirePermission('features:write')
  @Mutation(() => FeatureJobModel, { description: 'Queue a computation of feature views from the market tables into the offline store.' })
  async computeFeatures(@Args('input', { type: () => ComputeFeaturesInput, nullable: true }) input: ComputeFeaturesInput | undefined, @CurrentPrincipal() who: Principal): Promise<FeatureJobModel> {
    const i = input ?? {};
    return toFeatureJobModel(await this.jobs.start({ kind: 'compute', compute: { ...i, asOf: i.asOf?.toISOString() }, createdBy: who.label }));
  }

  @RequirePermission('features:write')
  @Mutation(() => FeatureJobModel, { description: 'Queue a materialisation offline → online (full: new generation then flip; incremental: changed entities).' })
  async materializeFeatures(@Args('input', { type: () => MaterializeFeaturesInput, nullable: true }) input: MaterializeFeaturesInput | undefined, @CurrentPrincipal() who: Principal): Promise<FeatureJobModel> {
    return toFeatureJobModel(await this.jobs.start({ kind: 'materialize', materialize: { ...(input ?? {}) }, createdBy: who.label }));
  }

  @RequirePermission('features:write')
  @Mutation(() => FeatureJobModel, { description: 'Queue a drift check (PSI, KS) of online values against training statistics.' })
  async computeFeatureDrift(@Args('service', { type: () => String, nullable: true }) service: string | undefined, @CurrentPrincipal() who: Principal): Promise<FeatureJobModel> {
    return toFeatureJobModel(await this.jobs.start({ kind: 'drift', drift: { service }, createdBy: who.label }));
  }

  @RequirePermission('features:read')
  @Query(() => FeatureJobModel)
  async featureJob(@Args('id', { type: () => ID }) id: string, @Args('logLines', { type: () => Int, defaultValue: 20 }) logLines: number): Promise<FeatureJobModel> {
    return toFeatureJobModel(await this.jobs.get(id), logLines);
  }

  @RequirePermission('features:read')
  @Query(() => [FeatureJobModel], { description: 'Feature jobs, newest first.' })
  async featureJobs(@Args('limit', { type: () => Int, defaultValue: 50 }) limit: number): Promise<FeatureJobModel[]> {
    return (await this.jobs.list(limit)).map((j) => toFeatureJobModel(j, 0));
  }

  @RequirePermission('features:write')
  @Mutation(() => TrainingSetExportModel, { description: `A point-in-time correct training set as JSONL or CSV (up to ${MAX_INLINE_ROWS} rows; the CLI writes bigger ones to a file). Records training statistics with the service version unless recordStatistics is false.` })
  async exportTrainingSet(@Args('input') input: ExportTrainingSetInput): Promise<TrainingSetExportModel> {
    const chunks: string[] = [];
    const summary = await this.sets.export({ service: input.service, format: input.format ?? 'jsonl', source: labelSource(input), recordStatistics: input.recordStatistics, maxRows: MAX_INLINE_ROWS }, (c) => { chunks.push(c); });
    return { ...summary, content: chunks.join('') };
  }

  @RequirePermission('features:read')
  @Query(() => FeatureRankingModel, { description: 'Ranks a service’s numeric features against labels from the interaction log (mutual information, chi-square, logistic-regression importance).' })
  async featureRanking(@Args('input') input: FeatureRankingInput): Promise<FeatureRankingModel> {
    return this.sets.rank(input.service, { interactions: input.interactions });
  }
}

function labelSource(input: ExportTrainingSetInput): LabelSource {
  if (input.rows && input.interactions) throw new FeatureError('INVALID_INPUT', 'give either rows or interactions, not both', { field: 'rows' });
  if (input.interactions) return { interactions: input.interactions };
  if (!input.rows?.length) throw new FeatureError('INVALID_INPUT', 'a training set needs label rows or an interactions window', { field: 'rows' });
  return { rows: input.rows };
}
