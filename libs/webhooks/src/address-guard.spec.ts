import { describe, expect, it } from '@jest/globals';
import { checkWebhookUrl, isPrivateAddress } from './address-guard.js';

describe('webhook address guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fc00::1', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])('%s is private', (a) => {
    expect(isPrivateAddress(a)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', 'example.com'])('%s is not private', (a) => {
    expect(isPrivateAddress(a)).toBe(false);
  });

  it('accepts http and https only, without credentials', () => {
    expect(checkWebhookUrl('https://hooks.example.com/matchlab', false).ok).toBe(true);
    expect(checkWebhookUrl('ftp://example.com/x', true)).toEqual({ ok: false, reason: 'webhook URL must use http or https, got ftp' });
    expect(checkWebhookUrl('javascript:alert(1)', true)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('not a url', true)).toEqual({ ok: false, reason: '"not a url" is not a valid URL' });
    expect(checkWebhookUrl('https://user:pw@example.com/', true)).toEqual({ ok: false, reason: 'webhook URL must not contain credentials' });
  });

  it('refuses loopback and private hosts unless allowed', () => {
    for (const u of ['http://127.0.0.1:8080/h', 'http://localhost/h', 'http://[::1]/h', 'http://169.254.169.254/latest/meta-data']) {
      expect(checkWebhookUrl(u, false)).toMatchObject({ ok: false, reason: expect.stringContaining('private or loopback') });
      expect(checkWebhookUrl(u, true).ok).toBe(true);
    }
  });
});
