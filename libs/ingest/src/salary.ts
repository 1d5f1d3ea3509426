import type { SalaryPeriod } from '@app/market';

/** Paid periods per year: 2,080 working hours, 260 working days, 52 weeks, 12 months. */
export const PERIODS_PER_YEAR: Record<SalaryPeriod, number> = { hour: 2080, day: 260, week: 52, month: 12, year: 1 };

/** Rates as stored in currency_rates: units of the currency per 1 USD. */
export type CurrencyRates = ReadonlyMap<string, number>;

/**
 * Converts an amount per period in `currency` to an annual amount in `base`:
 * amount × periods per year ÷ (units of currency per USD) × (units of base per USD).
 * Returns null for a null amount; throws when a currency has no rate.
 */
export function annualSalary(amount: number | null | undefined, period: SalaryPeriod, currency: string, rates: CurrencyRates, base = 'USD'): number | null {
  if (amount === null || amount === undefined) return null;
  const from = rates.get(currency.toUpperCase());
  const to = rates.get(base.toUpperCase());
  if (from === undefined) throw new Error(`no exchange rate for ${currency}`);
  if (to === undefined) throw new Error(`no exchange rate for base currency ${base}`);
  const value = (amount * PERIODS_PER_YEAR[period] * to) / from;
  return Math.round(value * 100) / 100;
}
