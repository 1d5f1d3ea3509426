import { describe, expect, it } from '@jest/globals';
import { DEFAULT_GATE, evaluateGate } from './promotion-gate.js';

describe('evaluateGate', () => {
  const gate = { ...DEFAULT_GATE, maxDrop: 0.01 };

  it('allows the first promotion to an unset alias', () => {
    expect(evaluateGate(gate, { alias: 'champion', candidateMetrics: { 'ndcg@10': 0.1 } }).allowed).toBe(true);
  });

  it('allows a candidate within the margin and refuses one below it, saying by how much', () => {
    const incumbentMetrics = { 'ndcg@10': 0.3 };
    expect(evaluateGate(gate, { alias: 'champion', candidateMetrics: { 'ndcg@10': 0.2905 }, incumbentMetrics }).allowed).toBe(true);
    const refused = evaluateGate(gate, { alias: 'champion', candidateMetrics: { 'ndcg@10': 0.25 }, incumbentMetrics });
    expect(refused).toEqual({
      allowed: false,
      reason: "ndcg@10 0.2500 is below the champion's 0.3000 by 0.0500 (allowed drop 0.0100)",
    });
  });

  it('refuses a candidate without the metric unless an experiment is linked', () => {
    const incumbentMetrics = { 'ndcg@10': 0.3 };
    expect(evaluateGate(gate, { alias: 'champion', candidateMetrics: {}, incumbentMetrics }).allowed).toBe(false);
    expect(evaluateGate(gate, { alias: 'champion', candidateMetrics: {}, incumbentMetrics, concludedExperiment: 'exp-1' }).allowed).toBe(true);
    expect(evaluateGate({ ...gate, allowExperimentOverride: false }, { alias: 'champion', candidateMetrics: {}, incumbentMetrics, concludedExperiment: 'exp-1' }).allowed).toBe(false);
  });

  it('does not gate aliases that are not protected', () => {
    expect(evaluateGate(gate, { alias: 'challenger', candidateMetrics: { 'ndcg@10': 0 }, incumbentMetrics: { 'ndcg@10': 1 } }).allowed).toBe(true);
  });
});
