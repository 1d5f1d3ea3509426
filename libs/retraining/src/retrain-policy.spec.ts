import { describe, expect, it } from '@jest/globals';
import { driftHits, metricK, parsePolicy, repeatOptions, runWindow } from './retrain-policy.js';
import { RetrainError } from './retraining.errors.js';

const expectInvalid = (f: () => unknown, field: string, message: RegExp) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(RetrainError);
    expect((err as RetrainError).code).toBe('INVALID_INPUT');
    expect((err as RetrainError).details).toEqual({ field });
    expect((err as RetrainError).message).toMatch(message);
    return;
  }
  throw new Error(`expected INVALID_INPUT on ${field}`);
};

describe('retrain policy', () => {
  it('fills the defaults and keeps what was given', () => {
    expect(parsePolicy({ schedule: { cron: ' 0 3 * * 1 ' } })).toEqual({
      enabled: true, schedule: { cron: '0 3 * * 1' }, strategy: null, params: {}, trainingWindowDays: null,
      evaluation: { holdoutDays: 7, metric: 'ndcg@10' }, gate: {}, drift: null,
    });
    const p = parsePolicy({ schedule: { intervalMinutes: 60 * 24 * 3 }, strategy: 'als', params: { factors: 16 }, trainingWindowDays: 30, evaluation: { holdoutDays: 2, metric: 'MAP@20' }, gate: { maxDrop: 0 }, drift: { service: 'job_alert_ranker', features: ['candidate_engagement.ctr_7d'] } });
    expect(p).toMatchObject({ schedule: { intervalMinutes: 4320 }, evaluation: { holdoutDays: 2, metric: 'map@20' }, gate: { maxDrop: 0 }, drift: { service: 'job_alert_ranker', features: ['candidate_engagement.ctr_7d'] } });
    expect(metricK(p.evaluation.metric)).toBe(20);
    expect(repeatOptions(p.schedule)).toEqual({ every: 4320 * 60_000 });
    expect(repeatOptions({ cron: '*/5 * * * *' })).toEqual({ pattern: '*/5 * * * *', tz: 'UTC' });
  });

  it('refuses bad schedules, windows, metrics, gates and drift triggers with typed errors naming the field', () => {
    expectInvalid(() => parsePolicy({}), 'schedule', /exactly one of cron or intervalMinutes/);
    expectInvalid(() => parsePolicy({ schedule: { cron: '0 3 * * 1', intervalMinutes: 5 } }), 'schedule', /exactly one/);
    expectInvalid(() => parsePolicy({ schedule: { cron: 'every day' } }), 'schedule.cron', /5 or 6 fields/);
    expectInvalid(() => parsePolicy({ schedule: { cron: '61 3 * * 1' } }), 'schedule.cron', /not a valid cron pattern/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 0 } }), 'schedule.intervalMinutes', /integer in 1\.\./);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, trainingWindowDays: 0 }), 'trainingWindowDays', /1\.\.3650/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, evaluation: { holdoutDays: -1 } }), 'evaluation.holdoutDays', /\(0, 365\]/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, evaluation: { metric: 'auc' } }), 'evaluation.metric', /not a ranking metric/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, evaluation: { metric: 'ndcg@500' } }), 'evaluation.metric', /1\.\.200/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, gate: { maxDrop: 2 } }), 'gate.maxDrop', /\[0, 1\]/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, drift: { service: ' ' } }), 'drift.service', /required/);
    expectInvalid(() => parsePolicy({ schedule: { intervalMinutes: 60 }, drift: { service: 's', features: ['ctr'] } }), 'drift.features', /view\.feature/);
  });

  it('windows a run: train before asOf − holdout (from the window start), evaluate after', () => {
    const asOf = new Date('2026-06-30T00:00:00Z');
    expect(runWindow({ trainingWindowDays: null, evaluation: { holdoutDays: 7, metric: 'ndcg@10' } }, asOf)).toEqual({ cutoff: new Date('2026-06-23T00:00:00Z'), since: null });
    expect(runWindow({ trainingWindowDays: 14, evaluation: { holdoutDays: 2, metric: 'ndcg@10' } }, asOf)).toEqual({ cutoff: new Date('2026-06-28T00:00:00Z'), since: new Date('2026-06-14T00:00:00Z') });
  });

  it('matches drift runs to the policy\'s service and features', () => {
    const rows = [
      { service: 'svc', feature: 'a.x', drifted: true },
      { service: 'svc', feature: 'a.y', drifted: false },
      { service: 'other', feature: 'a.x', drifted: true },
      { service: 'svc', feature: 'b.z', drifted: true },
    ];
    expect(driftHits({ drift: { service: 'svc', features: [] } }, rows)).toEqual(['a.x', 'b.z']);
    expect(driftHits({ drift: { service: 'svc', features: ['a.y', 'b.z'] } }, rows)).toEqual(['b.z']);
    expect(driftHits({ drift: null }, rows)).toEqual([]);
  });
});
