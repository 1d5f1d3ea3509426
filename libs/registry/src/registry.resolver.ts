import { Inject } from '@nestjs/common';
import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { RegisterModelInput, SetAliasInput } from './dto/registry.inputs.js';
import { AliasHistoryEntryModel, AliasMoveResultModel, ModelAliasModel, ModelModel, ModelVersionModel } from './model.model.js';
import { toHistoryModel, toModelModel, toVersionModel } from './registry.mapper.js';
import { RegistryService } from './registry.service.js';

@Resolver(() => ModelModel)
export class RegistryResolver {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @RequirePermission('models:read')
  @Query(() => [ModelModel])
  async models(): Promise<ModelModel[]> {
    return (await this.registry.listModels()).map(toModelModel);
  }

  @RequirePermission('models:read')
  @Query(() => ModelModel)
  async model(@Args('name') name: string): Promise<ModelModel> {
    return toModelModel(await this.registry.getModel(name));
  }

  @RequirePermission('models:read')
  @ResolveField(() => [ModelVersionModel])
  async versions(@Parent() model: ModelModel): Promise<ModelVersionModel[]> {
    const [versions, aliases] = await Promise.all([this.registry.versions(model.id), this.registry.aliases(model.id)]);
    return versions.map((v) => toVersionModel(model.name, v, aliases));
  }

  @RequirePermission('models:read')
  @ResolveField(() => [ModelAliasModel])
  async aliases(@Parent() model: ModelModel): Promise<ModelAliasModel[]> {
    const [versions, aliases] = await Promise.all([this.registry.versions(model.id), this.registry.aliases(model.id)]);
    const numberOf = new Map(versions.map((v) => [v.id, v.version]));
    return aliases.map((a) => ({ alias: a.alias, version: numberOf.get(a.versionId)!, updatedAt: a.updatedAt }));
  }

  @RequirePermission('models:read')
  @Query(() => ModelVersionModel, { description: 'A version by reference: "name@alias" or "name/3".' })
  async modelVersion(@Args('ref') ref: string): Promise<ModelVersionModel> {
    const { model, version } = await this.registry.resolve(ref);
    return toVersionModel(model.name, version, await this.registry.aliases(model.id));
  }

  @RequirePermission('models:read')
  @Query(() => [AliasHistoryEntryModel], { description: 'Every move of an alias (or of all aliases), oldest first.' })
  async aliasHistory(@Args('model') model: string, @Args('alias', { nullable: true }) alias?: string): Promise<AliasHistoryEntryModel[]> {
    return (await this.registry.aliasHistory(model, alias)).map(toHistoryModel);
  }

  @RequirePermission('models:read')
  @Query(() => Int, { nullable: true, description: 'Which version the alias pointed at, at the given time.' })
  aliasAt(@Args('model') model: string, @Args('alias') alias: string, @Args('at') at: Date): Promise<number | null> {
    return this.registry.aliasAt(model, alias, at);
  }

  @RequirePermission('models:write')
  @Mutation(() => ModelModel)
  async registerModel(@Args('input') input: RegisterModelInput, @CurrentPrincipal() who: Principal): Promise<ModelModel> {
    return toModelModel(await this.registry.registerModel({ ...input, owner: who.label }));
  }

  @RequirePermission('models:promote')
  @Mutation(() => AliasMoveResultModel, { description: 'Point an alias at a version, through the model’s promotion gate.' })
  async setAlias(@Args('input') input: SetAliasInput, @CurrentPrincipal() who: Principal): Promise<AliasMoveResultModel> {
    const { version, gateReason } = await this.registry.setAlias(input.model, input.alias, input.version, { actor: who.label, reason: input.reason });
    const model = await this.registry.getModel(input.model);
    return { version: toVersionModel(model.name, version, await this.registry.aliases(model.id)), gateReason };
  }

  @RequirePermission('models:promote')
  @Mutation(() => ModelVersionModel, { description: 'Move an alias back to the version it had before its last move.' })
  async rollbackAlias(@Args('model') modelName: string, @Args('alias') alias: string, @Args('reason', { nullable: true }) reason: string, @CurrentPrincipal() who: Principal): Promise<ModelVersionModel> {
    const version = await this.registry.rollbackAlias(modelName, alias, { actor: who.label, reason });
    const model = await this.registry.getModel(modelName);
    return toVersionModel(model.name, version, await this.registry.aliases(model.id));
  }

  @RequirePermission('models:write')
  @Mutation(() => ModelVersionModel, { description: 'Archive a version: kept with its history, no longer servable.' })
  async archiveModelVersion(@Args('model') modelName: string, @Args('version', { type: () => Int }) versionNumber: number, @CurrentPrincipal() who: Principal): Promise<ModelVersionModel> {
    const version = await this.registry.archiveVersion(modelName, versionNumber, who.label);
    const model = await this.registry.getModel(modelName);
    return toVersionModel(model.name, version, await this.registry.aliases(model.id));
  }
}
