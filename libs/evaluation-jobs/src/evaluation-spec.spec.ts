import { describe, expect, it } from '@jest/globals';
import { normalizeRequest, protocolDifferences } from './evaluation-spec.js';

const trained = new Date('2026-06-08T00:00:00Z');
const now = new Date('2026-07-01T00:00:00Z');

describe('evaluation requests', () => {
  it('fills the recorded defaults: temporal at the version cut-off, artifact mode, k 5/10/20, linear gain', () => {
    const s = normalizeRequest({ modelRef: 'm/1' }, trained, now);
    expect(s).toEqual({
      protocol: { split: { kind: 'temporal', cutoff: trained.getTime() }, relevance: { grades: { apply: 3, save: 2, click: 1, impression: 0 }, threshold: 1 }, excludeTraining: true, gain: 'linear' },
      ks: [5, 10, 20],
      metrics: ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate', 'coverage'],
      mode: 'artifact',
      shards: 1,
      timeoutSeconds: 3600,
      attachToVersion: true,
      asOf: now,
      bootstrap: { samples: 1000, seed: 42, level: 0.95 },
    });
  });

  it('leave-last-n and random default to refitting the recipe; k is deduplicated and sorted', () => {
    expect(normalizeRequest({ modelRef: 'm/1', split: { kind: 'leave_last_n' }, ks: [20, 5, 5] }, trained, now)).toMatchObject({ mode: 'refit', ks: [5, 20], protocol: { split: { kind: 'leave_last_n', n: 1 } } });
    expect(normalizeRequest({ modelRef: 'm/1', split: { kind: 'random_ratio', testRatio: 0.3, seed: 7 } }, trained, now).protocol.split).toEqual({ kind: 'random_ratio', testRatio: 0.3, seed: 7 });
  });

  it('refuses bad values with the field named', () => {
    const bad = (req: object, message: string, code = 'INVALID_INPUT') => expect(() => normalizeRequest({ modelRef: 'm/1', ...req }, trained, now)).toThrow(expect.objectContaining({ code, message: expect.stringContaining(message) }));
    bad({ ks: [0] }, 'k must be integers in 1..200, got 0');
    bad({ ks: [] }, 'k needs at least one cut-off');
    bad({ metrics: ['ndcg', 'f1'] }, 'unknown metric "f1"');
    bad({ metrics: ['coverage'] }, 'at least one per-user metric');
    bad({ shards: 0 }, 'shards must be an integer in 1..64');
    bad({ split: { kind: 'leave_last_n', n: 0 } }, 'n must be an integer in 1..100');
    bad({ split: { kind: 'random_ratio', testRatio: 1 } }, 'testRatio must be in (0, 1)');
    bad({ split: { cutoff: new Date('2026-08-01T00:00:00Z') } }, 'must be before asOf');
    bad({ relevance: { grades: { view: 1 } } }, 'unknown interaction type "view"');
    bad({ split: { cutoff: new Date('2026-06-01T00:00:00Z') } }, "before the version's training cut-off", 'LEAKAGE');
    expect(() => normalizeRequest({ modelRef: 'm/1' }, null, now)).toThrow('a temporal split needs a cutoff');
  });

  it('an earlier cut-off is allowed when the recipe is refitted', () => {
    expect(normalizeRequest({ modelRef: 'm/1', mode: 'refit', split: { cutoff: new Date('2026-06-01T00:00:00Z') } }, trained, now).mode).toBe('refit');
  });

  it('names what differs between two protocols', () => {
    const a = normalizeRequest({ modelRef: 'm/1' }, trained, now).protocol;
    expect(protocolDifferences(a, { ...a })).toEqual([]);
    const b = normalizeRequest({ modelRef: 'm/1', gain: 'binary', split: { cutoff: new Date('2026-06-09T00:00:00Z') } }, trained, now).protocol;
    expect(protocolDifferences(a, b)).toEqual(['split temporal (cutoff 2026-06-08T00:00:00.000Z) vs temporal (cutoff 2026-06-09T00:00:00.000Z)', 'gain linear vs binary']);
    // Key order does not matter.
    const reordered = { ...a, relevance: { threshold: 1, grades: { impression: 0, click: 1, save: 2, apply: 3 } } };
    expect(protocolDifferences(a, reordered)).toEqual([]);
  });
});
