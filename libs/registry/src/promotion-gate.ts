/** Per-model promotion rules (MLflow MetricThreshold-style, plus an experiment link). */
export interface PromotionGate {
  /** Metric compared, e.g. "ndcg@10". */
  metric: string;
  /** The candidate may be worse than the current holder of the alias by at most this much (absolute). */
  maxDrop: number;
  /** A concluded experiment linked to the move satisfies the gate on its own. */
  allowExperimentOverride: boolean;
  /** Aliases the gate protects; other aliases move freely. */
  protectedAliases: string[];
}

export const DEFAULT_GATE: PromotionGate = { metric: 'ndcg@10', maxDrop: 0.01, allowExperimentOverride: true, protectedAliases: ['champion'] };

export interface GateInput {
  alias: string;
  candidateMetrics: Record<string, number>;
  /** Metrics of the version holding the alias now; undefined when the alias is unset. */
  incumbentMetrics?: Record<string, number>;
  concludedExperiment?: string;
}

export type GateDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

/** Pure: decides whether moving `alias` to the candidate is allowed, and says why. */
export function evaluateGate(gate: PromotionGate, input: GateInput): GateDecision {
  if (!gate.protectedAliases.includes(input.alias)) return { allowed: true, reason: `alias ${input.alias} is not protected` };
  if (input.concludedExperiment && gate.allowExperimentOverride) {
    return { allowed: true, reason: `concluded experiment ${input.concludedExperiment} is linked` };
  }
  if (!input.incumbentMetrics) return { allowed: true, reason: `alias ${input.alias} is unset; first promotion` };
  const candidate = input.candidateMetrics[gate.metric];
  const incumbent = input.incumbentMetrics[gate.metric];
  if (incumbent === undefined) return { allowed: true, reason: `incumbent has no ${gate.metric}` };
  if (candidate === undefined) {
    return { allowed: false, reason: `candidate has no offline ${gate.metric}; evaluate it first or link a concluded experiment` };
  }
  const floor = incumbent - gate.maxDrop;
  if (candidate < floor) {
    return {
      allowed: false,
      reason: `${gate.metric} ${fmt(candidate)} is below the ${input.alias}'s ${fmt(incumbent)} by ${fmt(incumbent - candidate)} (allowed drop ${fmt(gate.maxDrop)})`,
    };
  }
  return { allowed: true, reason: `${gate.metric} ${fmt(candidate)} ≥ ${fmt(floor)} (${input.alias} ${fmt(incumbent)} − ${fmt(gate.maxDrop)})` };
}

const fmt = (x: number) => x.toFixed(4);

export function parseGate(raw: unknown): PromotionGate {
  const g = { ...DEFAULT_GATE, ...(raw && typeof raw === 'object' ? (raw as Partial<PromotionGate>) : {}) };
  if (!(g.maxDrop >= 0 && g.maxDrop <= 1)) throw new Error('gate.maxDrop must be within [0, 1]');
  return g;
}
