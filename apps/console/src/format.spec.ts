import { describe, expect, it } from '@jest/globals';
import { choicesOf, formatLocation, formatPostedSalary, humanize } from './format.js';

describe('display formatting', () => {
  it('formats a location from city, country and the remote flag', () => {
    expect(formatLocation({ city: 'Berlin', region: null, country: 'DE', remote: false })).toBe('Berlin, DE');
    expect(formatLocation({ city: 'Berlin', region: null, country: 'DE', remote: true })).toBe('Berlin, DE · remote');
    expect(formatLocation({ city: null, region: null, country: null, remote: true })).toBe('Remote');
    expect(formatLocation({ city: null, region: null, country: null, remote: false })).toBe('—');
  });

  it('formats the posted salary range as written', () => {
    const base = { annualMin: null, annualMax: null };
    expect(formatPostedSalary({ ...base, min: 45000, max: 60000, currency: 'EUR', period: 'year' })).toBe('45,000–60,000 EUR / year');
    expect(formatPostedSalary({ ...base, min: 25.5, max: 25.5, currency: 'USD', period: 'hour' })).toBe('25.5 USD / hour');
    expect(formatPostedSalary({ ...base, min: null, max: 3000, currency: null, period: 'month' })).toBe('3,000 / month');
    expect(formatPostedSalary(null)).toBe('—');
  });

  it('humanizes enum values for labels and select choices', () => {
    expect(humanize('full_time')).toBe('Full time');
    expect(humanize(null)).toBe('—');
    expect(choicesOf(['high_school', 'phd'])).toEqual([
      { id: 'high_school', name: 'High school' },
      { id: 'phd', name: 'PhD' },
    ]);
  });
});
