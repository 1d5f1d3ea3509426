import { sourceKey, candidatesStage, diversityStage, filtersStage, freshnessStage, loadBalanceStage, profileChangeStage, scoreStage } from './stages.js';
import { DEFAULT_EXPLAIN, explain, type ExplainOptions } from './explain.js';
import type { PipelineConfig, StageConfig, StageName } from './config.js';
import type { RankContext, RankItem, RankJob, RankingReason, SourceHit } from './types.js';

/** Per stage: size in and out, the output list (bounded, [jobId, score]) and what the filters removed and why. */
export interface StageLog {
  stage: StageName;
  params: Omit<StageConfig, 'stage'>;
  in: number;
  out: number;
  /** The first LOG_TOP of the output: [jobId, score rounded to 4 decimals]; the candidates stage adds the sources. */
  list: Array<[string, number] | [string, number | null, string]>;
  removed?: Array<[string, string]>;
  ms: number;
}

export interface FinalItem {
  jobId: string;
  job: RankJob;
  position: number;
  score: number;
  modelScore: number | null;
  reasons: RankingReason[];
}

export interface PipelineInput {
  /** Hits per source key (see sourceKey: 'model', 'profile', 'pool', 'model:<ref>'). */
  sources: Partial<Record<string, SourceHit[]>>;
  jobs: ReadonlyMap<string, RankJob>;
  ctx: RankContext;
  limit: number;
  /** Rescores the union with the variant's model (null = the model does not know the job). */
  scoreOf?: (jobIds: string[]) => Array<number | null>;
  explain?: ExplainOptions;
}

export interface PipelineResult {
  items: FinalItem[];
  stages: StageLog[];
}

/** How many positions of each stage's output are logged. */
export const LOG_TOP = 60;

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Runs the stages in order, logging each; the first `limit` survivors are explained. */
export function runPipeline(p: PipelineConfig, input: PipelineInput): PipelineResult {
  let items: RankItem[] = [];
  const stages: StageLog[] = [];
  const { ctx } = input;
  for (const st of p.stages) {
    const t0 = performance.now();
    const before = items.length;
    let removed: Array<[string, string]> | undefined;
    switch (st.stage) {
      case 'candidates': items = candidatesStage(st, input.sources, input.jobs); break;
      case 'score': items = scoreStage(st, items, ctx.nowMs, input.scoreOf); break;
      case 'freshness': items = freshnessStage(st, items, ctx.nowMs); break;
      case 'profileChange': items = profileChangeStage(st, items, ctx); break;
      case 'loadBalance': items = loadBalanceStage(st, items, ctx); break;
      case 'diversity': items = diversityStage(st, items); break;
      case 'filters': ({ items, removed } = filtersStage(st, items, ctx)); break;
    }
    const { stage, ...params } = st;
    const list: StageLog['list'] = st.stage === 'candidates'
      ? items.slice(0, LOG_TOP).map((i) => [i.job.id, i.modelScore === null ? null : r4(i.modelScore), i.sources.join('+')])
      : items.slice(0, LOG_TOP).map((i) => [i.job.id, r4(i.score)]);
    stages.push({ stage, params, in: before, out: items.length, list, ...(removed && removed.length ? { removed: removed.slice(0, LOG_TOP) } : {}), ms: r4(performance.now() - t0) });
  }
  const opts = input.explain ?? DEFAULT_EXPLAIN;
  const final = items.slice(0, input.limit).map((i, n) => ({ jobId: i.job.id, job: i.job, position: n + 1, score: i.score, modelScore: i.modelScore, reasons: explain(i, ctx, opts) }));
  return { items: final, stages };
}

export { sourceKey };
