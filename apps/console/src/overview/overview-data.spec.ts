import { describe, expect, it } from '@jest/globals';
import type { AlertOverviewDay, Experiment } from '../api/types.js';
import { activeExperiments, championsByModel, dayRange, overviewTotals, rateSeriesByVariant, sentPerDay, variantLabel } from './overview-data.js';

const day = (d: string, experimentKey: string | null, variant: string | null, sent: number, clicked: number, applied: number): AlertOverviewDay => ({ day: d, experimentKey, variant, sent, items: sent * 5, clicked, applied, clicks: clicked, applies: applied });

describe('PM overview shaping', () => {
  const days = [
    day('2026-06-01', 'exp', 'control', 10, 2, 1),
    day('2026-06-01', 'exp', 'treatment', 10, 3, 0),
    day('2026-06-01', null, null, 4, 1, 0),
    day('2026-06-03', 'exp', 'treatment', 20, 5, 2),
    day('2026-06-03', 'exp', 'treatment', 5, 0, 0), // same day and series: summed
  ];

  it('labels series by experiment and variant', () => {
    expect(variantLabel({ experimentKey: 'exp', variant: 'control' })).toBe('exp/control');
    expect(variantLabel({ experimentKey: null, variant: null })).toBe('default');
  });

  it('computes daily click and apply rates per variant in percent, with gaps for days a series sent nothing', () => {
    const clicks = rateSeriesByVariant(days, 'clicked');
    expect(clicks.series).toEqual(['default', 'exp/control', 'exp/treatment']);
    expect(clicks.rows).toEqual([
      { day: '2026-06-01', default: 25, 'exp/control': 20, 'exp/treatment': 30 },
      { day: '2026-06-02', default: null, 'exp/control': null, 'exp/treatment': null },
      { day: '2026-06-03', default: null, 'exp/control': null, 'exp/treatment': 20 },
    ]);
    expect(rateSeriesByVariant(days, 'applied').rows[2]).toEqual({ day: '2026-06-03', default: null, 'exp/control': null, 'exp/treatment': 8 });
    expect(rateSeriesByVariant([], 'clicked')).toEqual({ series: [], rows: [] });
  });

  it('sums alerts sent per day and over the period', () => {
    expect(sentPerDay(days)).toEqual([{ day: '2026-06-01', sent: 24 }, { day: '2026-06-02', sent: 0 }, { day: '2026-06-03', sent: 25 }]);
    const t = overviewTotals(days);
    expect(t.sent).toBe(49);
    expect(t.clickRate).toBeCloseTo(11 / 49, 12);
    expect(t.applyRate).toBeCloseTo(3 / 49, 12);
    expect(overviewTotals([])).toEqual({ sent: 0, clickRate: null, applyRate: null });
    expect(dayRange(['2026-02-28', '2026-03-01'])).toEqual(['2026-02-28', '2026-03-01']);
  });

  it('lists active experiments running first and champions per model name', () => {
    const exp = (key: string, status: string, createdAt: string) => ({ key, status, createdAt }) as Experiment;
    const list = activeExperiments([exp('a', 'concluded', '2026-06-05'), exp('b', 'draft', '2026-06-04'), exp('c', 'running', '2026-06-01'), exp('d', 'running', '2026-06-03'), exp('e', 'paused', '2026-06-02')]);
    expect(list.map((e) => e.key)).toEqual(['d', 'c', 'e', 'b']);
    expect(championsByModel([
      { name: 'pop', strategy: 'popularity', aliases: [{ alias: 'challenger', version: 2, updatedAt: 't1' }, { alias: 'champion', version: 1, updatedAt: 't0' }] },
      { name: 'als', strategy: 'als', aliases: [] },
    ])).toEqual([{ model: 'als', strategy: 'als', version: null, since: null }, { model: 'pop', strategy: 'popularity', version: 1, since: 't0' }]);
  });
});
