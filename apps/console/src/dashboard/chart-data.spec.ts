import { describe, expect, it } from '@jest/globals';
import { compactCount, seniorityBars, seniorityFilters } from './chart-data.js';

describe('seniorityFilters', () => {
  it('gives one filter per seniority level in a fixed order, keeping the base filter', () => {
    expect(seniorityFilters({ status: ['active'] })).toEqual([
      { status: ['active'], seniority: ['intern'] },
      { status: ['active'], seniority: ['junior'] },
      { status: ['active'], seniority: ['mid'] },
      { status: ['active'], seniority: ['senior'] },
      { status: ['active'], seniority: ['lead'] },
      { status: ['active'], seniority: ['executive'] },
    ]);
  });
});

describe('seniorityBars', () => {
  it('labels each level, computes shares of the total and adds an Unspecified bar for the rest', () => {
    const bars = seniorityBars([5, 20, 40, 25, 5, 1], 100);
    expect(bars.map((b) => [b.label, b.count])).toEqual([
      ['Intern', 5],
      ['Junior', 20],
      ['Mid', 40],
      ['Senior', 25],
      ['Lead', 5],
      ['Executive', 1],
      ['Unspecified', 4],
    ]);
    expect(bars.map((b) => b.share)).toEqual([0.05, 0.2, 0.4, 0.25, 0.05, 0.01, 0.04]);
  });

  it('omits the Unspecified bar when every job has a level, and gives zero shares for an empty market', () => {
    expect(seniorityBars([1, 1, 0, 0, 0, 0], 2).map((b) => b.seniority)).toEqual(['intern', 'junior', 'mid', 'senior', 'lead', 'executive']);
    expect(seniorityBars([0, 0, 0, 0, 0, 0], 0).every((b) => b.count === 0 && b.share === 0)).toBe(true);
  });

  it('rejects counts that do not line up with the seniority levels', () => {
    expect(() => seniorityBars([1, 2, 3], 6)).toThrow('expected 6 seniority counts, got 3');
  });
});

describe('compactCount', () => {
  it('keeps small numbers exact and shortens large ones', () => {
    expect([0, 950, 9_999, 12_345, 100_000, 2_500_000, 3_000_000].map(compactCount)).toEqual(['0', '950', '9,999', '12.3k', '100k', '2.5M', '3M']);
  });
});
