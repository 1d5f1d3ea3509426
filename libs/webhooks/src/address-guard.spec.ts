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

  // Review for issue 12: spellings of private addresses that slipped through the earlier checks.
  it.each([
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex (what the URL parser makes of [::ffff:127.0.0.1])'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata address 169.254.169.254 in hex'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped, uncompressed'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['0:0:0:0:0:0:0:1', 'loopback, uncompressed'],
    ['fe80::1%eth0', 'link-local with a zone id'],
    ['fec0::1', 'site-local'],
    ['198.18.0.1', 'benchmarking range'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['255.255.255.255', 'broadcast'],
  ])('%s is private (%s)', (a) => {
    expect(isPrivateAddress(a)).toBe(true);
  });

  it.each(['::ffff:808:808', '64:ff9b::808:808', '2002:808:808::', '2a00:1450:4001::200e'])('%s (public IPv4 inside, or public IPv6) is not private', (a) => {
    expect(isPrivateAddress(a)).toBe(false);
  });

  it('refuses URLs whose host is a private address in any spelling the URL parser accepts', () => {
    for (const u of [
      'http://2130706433/', // decimal 127.0.0.1
      'http://0x7f.0.0.1/', // hex octet
      'http://0177.0.0.1/', // octal octet
      'http://127.1/', // short form
      'http://0/', // 0.0.0.0
      'http://[::ffff:127.0.0.1]/', // parsed to [::ffff:7f00:1]
      'http://[::ffff:169.254.169.254]/latest/meta-data',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://localhost./', // trailing dot
      'http://LOCALHOST/',
      'http://api.localhost/',
      'http://169.254.169.254./',
    ]) {
      expect([u, checkWebhookUrl(u, false)]).toEqual([u, expect.objectContaining({ ok: false, reason: expect.stringContaining('private or loopback') })]);
    }
    expect(checkWebhookUrl('http://134744072/', false)).toMatchObject({ ok: true }); // 8.8.8.8 in decimal is public
  });
});
