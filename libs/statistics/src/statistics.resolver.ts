import { Args, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { powerAt, sampleSize, type SampleSizeInput as PureInput } from './power.js';
import { SampleSizeInput, SampleSizeModel } from './statistics.model.js';
import { StatisticsError } from './statistics.errors.js';

function need(input: SampleSizeInput, fields: (keyof SampleSizeInput)[]): void {
  const missing = fields.filter((f) => input[f] === undefined || input[f] === null);
  if (missing.length) throw new StatisticsError('INVALID_INPUT', `${input.kind} needs ${missing.join(', ')}`, { missing });
}

export function toPureInput(input: SampleSizeInput): PureInput {
  const common = { relativeMde: input.relativeMde, alpha: input.alpha ?? undefined, power: input.power ?? undefined };
  switch (input.kind) {
    case 'proportion':
      need(input, ['baseline']);
      return { kind: 'proportion', baseline: input.baseline!, ...common };
    case 'mean':
      need(input, ['baseline', 'sd']);
      return { kind: 'mean', baseline: input.baseline!, sd: input.sd!, ...common };
    default:
      need(input, ['meanNumerator', 'meanDenominator', 'varNumerator', 'varDenominator', 'covariance']);
      return {
        kind: 'ratio', meanNumerator: input.meanNumerator!, meanDenominator: input.meanDenominator!, varNumerator: input.varNumerator!,
        varDenominator: input.varDenominator!, covariance: input.covariance!, ...common,
      };
  }
}

@Resolver(() => SampleSizeModel)
export class StatisticsResolver {
  @RequirePermission('evaluations:read')
  @Query(() => SampleSizeModel, { description: 'Power / sample-size calculator for planning an experiment (proportion, mean or ratio metric).' })
  sampleSize(@Args('input', { type: () => SampleSizeInput }) input: SampleSizeInput): SampleSizeModel {
    const pure = toPureInput(input);
    const r = sampleSize(pure);
    return { ...r, powerAtUnits: input.unitsPerArm !== undefined && input.unitsPerArm !== null ? powerAt(pure, input.unitsPerArm) : null };
  }
}
