import { describe, expect, it } from '@jest/globals';
import { AlertError } from './alerts.errors.js';
import { checkAlertWebhookUrl, isValidEmail, validateSubscription } from './validation.js';

const base = { candidateId: '1', channel: 'email' as const, email: 'Ada@Example.org', frequency: 'daily' as const, timeZone: 'Europe/Berlin', sendHour: 8 };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AlertError).code;
  }
  return 'no error';
};
const asyncCode = async (p: Promise<unknown>) => p.then(() => 'no error', (e: AlertError) => e.code);

describe('subscription validation', () => {
  it('normalises a valid email subscription', () => {
    const v = validateSubscription({ ...base, filters: { keywords: [' rust ', ''], remote: true, minSalary: 50000 } });
    expect(v).toMatchObject({ email: 'ada@example.org', sendHour: 8, sendWeekday: null, topK: 10, filters: { keywords: ['rust'], remote: true, minSalary: 50000 } });
    expect(validateSubscription({ ...base, frequency: 'weekly' }).sendWeekday).toBe(1);
  });

  it('refuses bad input with typed codes', () => {
    expect(code(() => validateSubscription({ ...base, email: 'not an email' }))).toBe('INVALID_EMAIL');
    expect(code(() => validateSubscription({ ...base, email: 'a@b' }))).toBe('INVALID_EMAIL');
    expect(code(() => validateSubscription({ ...base, timeZone: 'Europe/Atlantis' }))).toBe('UNKNOWN_TIME_ZONE');
    expect(code(() => validateSubscription({ ...base, sendHour: 24 }))).toBe('INVALID_SEND_HOUR');
    expect(code(() => validateSubscription({ ...base, sendHour: -1 }))).toBe('INVALID_SEND_HOUR');
    expect(code(() => validateSubscription({ ...base, sendHour: 7.5 }))).toBe('INVALID_SEND_HOUR');
    expect(code(() => validateSubscription({ ...base, quietStart: 22 }))).toBe('INVALID_INPUT');
    expect(code(() => validateSubscription({ ...base, channel: 'webhook', webhookUrl: null }))).toBe('INVALID_WEBHOOK_URL');
    expect(code(() => validateSubscription({ ...base, frequency: 'hourly' as never }))).toBe('INVALID_INPUT');
    expect(isValidEmail('first.last+tag@sub.example.co.uk')).toBe(true);
    expect(isValidEmail('a..b@example.org')).toBe(false);
  });

  it('webhook URLs: https required, http only for localhost in development, no private addresses in production', async () => {
    const dev = { production: false, allowPrivate: true };
    const prod = { production: true, allowPrivate: false, resolve: async (h: string) => (h === 'internal.example.com' ? ['10.1.2.3'] : ['93.184.216.34']) };
    expect(await checkAlertWebhookUrl('https://hooks.example.com/x', prod)).toBe('https://hooks.example.com/x');
    expect(await checkAlertWebhookUrl('http://localhost:8080/hook', dev)).toBe('http://localhost:8080/hook');
    expect(await asyncCode(checkAlertWebhookUrl('http://hooks.example.com/x', dev))).toBe('INVALID_WEBHOOK_URL');
    expect(await asyncCode(checkAlertWebhookUrl('http://localhost:8080/hook', prod))).toBe('PRIVATE_ADDRESS');
    expect(await asyncCode(checkAlertWebhookUrl('https://127.0.0.1/hook', prod))).toBe('PRIVATE_ADDRESS');
    expect(await asyncCode(checkAlertWebhookUrl('https://[::1]/hook', prod))).toBe('PRIVATE_ADDRESS');
    expect(await asyncCode(checkAlertWebhookUrl('https://internal.example.com/hook', prod))).toBe('PRIVATE_ADDRESS');
    expect(await asyncCode(checkAlertWebhookUrl('ftp://example.com', dev))).toBe('INVALID_WEBHOOK_URL');
    expect(await asyncCode(checkAlertWebhookUrl('not a url', dev))).toBe('INVALID_WEBHOOK_URL');
  });
});
