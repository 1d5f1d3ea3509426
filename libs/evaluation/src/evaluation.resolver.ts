import { Args, Int, Mutation, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { EvaluationError } from './evaluation.errors.js';
import { ListEvaluationModel, RankedListInput } from './evaluation.model.js';
import { evaluateLists, validateListRow, type RankedListRow } from './lists.js';

/** Inputs above this go through the CLI (or, later, evaluation jobs). */
export const MAX_INLINE_ROWS = 10_000;
export const MAX_K = 1000;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

@Resolver(() => ListEvaluationModel)
export class EvaluationResolver {
  @RequirePermission('evaluations:run')
  @Mutation(() => ListEvaluationModel, { description: `Metrics for small bring-your-own rankings (at most ${MAX_INLINE_ROWS} rows); no data is stored.` })
  evaluateLists(
    @Args('rows', { type: () => [RankedListInput] }) rows: RankedListInput[],
    @Args('k', { type: () => [Int] }) k: number[],
    @Args('graded', { nullable: true, type: () => Boolean }) graded?: boolean,
  ): ListEvaluationModel {
    if (rows.length > MAX_INLINE_ROWS) throw new EvaluationError('INVALID_INPUT', `at most ${MAX_INLINE_ROWS} rows per request (got ${rows.length}); use matchlab evaluate-lists`);
    if (k.length === 0 || k.some((x) => !Number.isInteger(x) || x < 1 || x > MAX_K)) throw new EvaluationError('INVALID_INPUT', `k must be integers in 1..${MAX_K}`);
    const parsed: RankedListRow[] = rows.map((r, i) => {
      const relevant: Record<string, number> = {};
      try {
        for (const { item, grade } of r.relevant) {
          if (item in relevant) throw new EvaluationError('INVALID_INPUT', `relevant item "${item}" listed twice`);
          relevant[item] = grade;
        }
        return validateListRow({ user: r.user, ranked: r.ranked, relevant });
      } catch (err) {
        const e = err as EvaluationError;
        throw new EvaluationError('INVALID_INPUT', `row ${i}: ${e.message}`, { row: i, ...(e.details ?? {}) });
      }
    });
    const result = evaluateLists(parsed, { ks: k, graded: !!graded });
    return {
      users: result.users,
      metrics: result.rows.map((m) => ({ name: m.name, value: finite(m.value), ciLow: finite(m.ciLow), ciHigh: finite(m.ciHigh), users: m.users })),
    };
  }
}
