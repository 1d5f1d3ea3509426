import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assignCompiled, ExperimentsService, type RankingEvent, type VariantResult, type InteractionEvent } from '@app/experiments';
import { fitRecommender, isStrategyName, topK, type InteractionType, type Recommender, type TrainingSnapshot } from '@app/recsys';
import { clickProbability, generateMarket, respondToList, simulateHistory, SimulatorService, SIM_SOURCE, stream, utility, type SimInteraction } from '@app/simulator';
import { candidateFeatures, INTERACTION_WEIGHTS, jobFeatures } from '@app/training';
import { DataSource } from 'typeorm';
import { CliError } from './cli-output.js';

export interface ExperimentSimulationOptions {
  control: string;
  treatment: string;
  units: number;
  days: number;
  seed: number;
  jobs?: number;
  /** Days of organic history before the experiment (training data for both strategies). */
  historyDays?: number;
  listSize?: number;
  key?: string;
}

export interface ExperimentSimulationResult {
  experimentKey: string;
  market: { seed: number; candidates: number; jobs: number; start: string };
  rankings: number;
  items: number;
  interactions: number;
  variants: VariantResult[];
  /** Mean noise-free click probability (once examined) of the served items per variant: ground truth the analysis cannot see. */
  meanTrueClickProbability: Record<string, number>;
  seconds: number;
}

const DAY_MS = 86_400_000;

/**
 * An A/B test end to end on the synthetic market: the market (with `historyDays` of organic history) is written to
 * the database like `simulate market`; both strategies are fitted on that history; then for each experiment day every
 * unit is assigned by the experiment's hash, served the top `listSize` live jobs of its variant's model, the ranking is
 * logged at item level, the simulator's behaviour model answers it, and the answers are recorded as interactions
 * carrying the ranking id. The result is the experiment's per-variant counts and rates, read back from the database.
 */
export async function simulateExperiment(ctx: INestApplicationContext, o: ExperimentSimulationOptions, log: (line: string) => void = () => {}): Promise<ExperimentSimulationResult> {
  const t0 = Date.now();
  for (const s of [o.control, o.treatment]) if (!isStrategyName(s)) throw new CliError(`unknown strategy "${s}"; use a recsys strategy name (popularity, content, item-knn, user-knn, als, ease, hybrid, two-tower)`);
  const historyDays = o.historyDays ?? 14;
  const listSize = o.listSize ?? 20;
  const jobsN = o.jobs ?? Math.min(5000, Math.max(200, o.units * 2));
  const days = historyDays + o.days;
  const sim = ctx.get(SimulatorService);
  const experiments = ctx.get(ExperimentsService);
  const db = ctx.get(DataSource);

  const existing = await sim.findMarket(o.seed);
  const start = existing ? new Date(existing.start_at) : new Date(Date.UTC(2026, 0, 5));
  const written = await sim.simulateMarket({ seed: o.seed, candidates: o.units, jobs: jobsN, days, start });
  log(`market seed ${o.seed}: ${written.candidates} candidates, ${written.jobs} jobs, ${historyDays} days of history before the experiment${written.created ? '' : ' (already in the database)'}`);
  const market = generateMarket({ seed: o.seed, candidates: o.units, jobs: jobsN, days, start: new Date(written.start) });
  const cutMs = new Date(written.start).getTime() + historyDays * DAY_MS;
  const train: SimInteraction[] = [];
  simulateHistory(market, (_day, events) => {
    for (const e of events) if (e.occurredAt < cutMs && e.type !== 'impression') train.push(e);
  });
  const snapshot: TrainingSnapshot = {
    numCandidates: market.candidates.length,
    numJobs: market.jobs.length,
    interactions: {
      candidate: Int32Array.from(train, (e) => e.candidateIndex),
      job: Int32Array.from(train, (e) => e.jobIndex),
      weight: Float32Array.from(train, (e) => INTERACTION_WEIGHTS[e.type as keyof typeof INTERACTION_WEIGHTS]),
      time: Float64Array.from(train, (e) => e.occurredAt / 1000),
      type: train.map((e) => e.type as InteractionType),
    },
    jobs: market.jobs.map((j) =>
      jobFeatures({ id: j.externalId, title: j.title, description: j.description, skills: j.skills, city: j.city, country: j.country, remote: j.remote, salary_annual_min: j.salaryAnnualMin, salary_annual_max: j.salaryAnnualMax, seniority: j.seniority, employment_type: j.employmentType, expires_at: new Date(j.expiresAt), status: 'active' }),
    ),
    candidates: market.candidates.map((c) =>
      candidateFeatures({ id: c.externalId, desired_titles: c.desiredTitles, skills: c.skills, resume: null, city: c.city, country: c.country, salary_expectation: c.salaryExpectation, preferences: c.preferences }),
    ),
  };
  const models: Record<string, Recommender> = {};
  for (const [variant, strategy] of [['control', o.control], ['treatment', o.treatment]] as const) {
    const f0 = Date.now();
    models[variant] = await fitRecommender(strategy, snapshot, undefined);
    log(`fitted ${variant} = ${strategy} on ${train.length} history events in ${((Date.now() - f0) / 1000).toFixed(1)} s`);
  }

  const idsOf = async (table: 'candidates' | 'jobs', externalIds: string[]) => {
    const rows: Array<{ external_id: string; id: string }> = await db.query(`SELECT external_id, id::text AS id FROM ${table} WHERE source = $1 AND external_id = ANY($2::text[])`, [SIM_SOURCE, externalIds]);
    const map = new Map(rows.map((r) => [r.external_id, r.id]));
    return externalIds.map((x) => {
      const id = map.get(x);
      if (!id) throw new CliError(`${table} ${x} of market ${o.seed} is not in the database`);
      return id;
    });
  };
  const candidateIds = await idsOf('candidates', market.candidates.map((c) => c.externalId));
  const jobIds = await idsOf('jobs', market.jobs.map((j) => j.externalId));

  const key = o.key ?? `sim-${o.seed}-${o.control}-vs-${o.treatment}-${Date.now().toString(36)}`;
  await experiments.create(
    {
      key,
      hypothesis: `${o.treatment} beats ${o.control} on click rate (simulated market ${o.seed})`,
      variants: [
        { key: 'control', weight: 0.5, strategy: { name: o.control } },
        { key: 'treatment', weight: 0.5, strategy: { name: o.treatment } },
      ],
      primaryMetric: 'click_rate',
      secondaryMetrics: ['apply_rate', 'units_with_click'],
      guardrailMetrics: ['dismiss_rate'],
      plannedDays: o.days,
    },
    'cli:simulate',
  );
  await experiments.start(key);
  const { exp, c } = await experiments.compiledFor(key);

  let rankings = 0;
  let items = 0;
  let interactions = 0;
  const utilitySum: Record<string, number> = { control: 0, treatment: 0 };
  const utilityN: Record<string, number> = { control: 0, treatment: 0 };
  for (let d = 0; d < o.days; d++) {
    const dayStart = cutMs + d * DAY_MS;
    const servedAt = new Date(dayStart + 8 * 3_600_000);
    const live = market.jobs.filter((j) => j.postedAt <= servedAt.getTime() && j.expiresAt > servedAt.getTime()).map((j) => j.index);
    const batch: RankingEvent[] = [];
    const events: InteractionEvent[] = [];
    for (let u = 0; u < market.candidates.length; u++) {
      const a = assignCompiled(c, candidateIds[u]!);
      if (!a.inExperiment || !a.variant) continue;
      const scores = models[a.variant]!.score(u, live);
      const top = topK(scores, listSize);
      const rankingId = randomUUID();
      const truth = market.candidates[u]!.truth;
      const utilities = top.map((t) => utility(truth, market.jobs[live[t.job]!]!.truth));
      for (const x of utilities) utilitySum[a.variant]! += clickProbability(x);
      utilityN[a.variant]! += utilities.length;
      batch.push({ rankingId, experimentId: exp.id, phase: exp.phase, unitId: candidateIds[u]!, variant: a.variant, modelVersion: `strategy:${a.variant === 'control' ? o.control : o.treatment}`, servedAt: servedAt.toISOString(), jobIds: top.map((t) => jobIds[live[t.job]!]!), scores: top.map((t) => t.score) });
      const rng = stream(o.seed, 'experiment', key, u, d);
      for (const ev of respondToList(utilities, 0, rng)) {
        if (ev.type === 'impression') continue; // the exposure log already records every shown item
        events.push({ eventId: `${rankingId}:${ev.position}:${ev.type}`, rankingId, jobId: jobIds[live[top[ev.position - 1]!.job]!]!, type: ev.type, occurredAt: new Date(servedAt.getTime() + ev.offsetMs) });
      }
    }
    for (let i = 0; i < batch.length; i += 1000) await experiments.writeRankingBatch(batch.slice(i, i + 1000));
    for (let i = 0; i < events.length; i += 5000) interactions += (await experiments.recordInteractions(events.slice(i, i + 5000))).recorded;
    rankings += batch.length;
    items += batch.reduce((s, b) => s + b.jobIds.length, 0);
    log(`day ${d + 1}/${o.days}: ${batch.length} rankings over ${live.length} live jobs, ${events.length} interactions`);
  }
  await experiments.stop(key);
  const results = await experiments.results(key);
  return {
    experimentKey: key,
    market: { seed: o.seed, candidates: o.units, jobs: jobsN, start: written.start },
    rankings,
    items,
    interactions,
    variants: results.variants,
    meanTrueClickProbability: Object.fromEntries(Object.keys(utilitySum).map((v) => [v, utilityN[v] ? utilitySum[v]! / utilityN[v]! : 0])),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  };
}
