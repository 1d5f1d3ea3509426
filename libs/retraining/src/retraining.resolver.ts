import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { SetRetrainPolicyInput } from './dto/retraining.inputs.js';
import { toRetrainPolicyModel, toRetrainRunModel } from './retraining.mapper.js';
import { RetrainPolicyModel, RetrainRunModel } from './retraining.model.js';
import { RetrainError } from './retraining.errors.js';
import { RetrainingService } from './retraining.service.js';

@Resolver(() => RetrainRunModel)
export class RetrainingResolver {
  constructor(@Inject(RetrainingService) private readonly retraining: RetrainingService) {}

  @RequirePermission('models:read')
  @Query(() => [RetrainPolicyModel], { description: 'Retraining policies (of one model, or all).' })
  async retrainPolicies(@Args('model', { nullable: true }) model?: string): Promise<RetrainPolicyModel[]> {
    const all = await this.retraining.policies(model);
    return Promise.all(all.map(async ({ model: m, policy }) => toRetrainPolicyModel(m, policy, policy.enabled ? await this.retraining.nextRunAt(m.name) : null)));
  }

  @RequirePermission('training:run')
  @Mutation(() => RetrainPolicyModel, { description: "Create or replace a model's retraining policy; schedules it on the retraining queue." })
  async setRetrainPolicy(@Args('input') input: SetRetrainPolicyInput, @CurrentPrincipal() who: Principal): Promise<RetrainPolicyModel> {
    const { model, params, drift, ...rest } = input;
    const { model: m, policy } = await this.retraining.setPolicy(model, { ...rest, params: parseParams(params), drift: drift ?? null }, who.label);
    return toRetrainPolicyModel(m, policy, policy.enabled ? await this.retraining.nextRunAt(m.name) : null);
  }

  @RequirePermission('training:run')
  @Mutation(() => RetrainRunModel, { description: 'Queue a retrain run now: train → evaluate vs the champion → gate → challenger alias.' })
  async triggerRetrain(@Args('model') model: string, @CurrentPrincipal() who: Principal): Promise<RetrainRunModel> {
    return toRetrainRunModel(await this.retraining.trigger(model, 'manual', who.label));
  }

  @RequirePermission('models:read')
  @Query(() => [RetrainRunModel], { description: 'Retrain runs of a model, newest first.' })
  async retrainRuns(@Args('model') model: string, @Args('limit', { type: () => Int, defaultValue: 20 }) limit: number): Promise<RetrainRunModel[]> {
    return (await this.retraining.runs(model, limit)).map(toRetrainRunModel);
  }

  @RequirePermission('models:read')
  @Query(() => RetrainRunModel)
  async retrainRun(@Args('id', { type: () => ID }) id: string): Promise<RetrainRunModel> {
    return toRetrainRunModel(await this.retraining.get(id));
  }
}

function parseParams(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new RetrainError('INVALID_INPUT', `params: not valid JSON: ${(err as Error).message}`, { field: 'params' });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new RetrainError('INVALID_INPUT', 'params: must be a JSON object', { field: 'params' });
  return v as Record<string, unknown>;
}
