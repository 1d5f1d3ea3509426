import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateSecret, secretKey, sign, verifySignature, webhookHeaders } from './signing.js';

// The example of the Standard Webhooks / Svix documentation.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';

describe('Standard Webhooks signing', () => {
  it('reproduces the reference signature of the spec', () => {
    expect(sign(SECRET, ID, TS, BODY)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces headers the reference library (standardwebhooks) verifies, for a generated secret', () => {
    const secret = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'alias.moved', timestamp: new Date().toISOString(), data: { model: 'm', toVersion: 2 } });
    const headers = webhookHeaders(secret, 'evt_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('"toVersion":2', '"toVersion":3'), headers)).toThrow();
  });

  it('verifies like a receiver: any v1 entry of the list, constant-time, within five minutes, over the raw body', () => {
    const h = webhookHeaders(SECRET, ID, TS, BODY);
    expect(verifySignature(SECRET, h, BODY, TS + 10)).toBe(true);
    expect(verifySignature(SECRET, { ...h, 'webhook-signature': `v1,AAAA ${h['webhook-signature']}` }, BODY, TS)).toBe(true);
    expect(verifySignature(SECRET, h, BODY, TS + 301)).toBe(false);
    expect(verifySignature(SECRET, h, `${BODY} `, TS)).toBe(false);
    expect(verifySignature(generateSecret(), h, BODY, TS)).toBe(false);
    expect(verifySignature(SECRET, { ...h, 'webhook-id': 'msg_other' }, BODY, TS)).toBe(false);
  });

  it('generates 32-byte whsec_ secrets and rejects malformed ones with the reason', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(s)).toHaveLength(32);
    expect(generateSecret()).not.toBe(s);
    expect(() => secretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow('must start with whsec_');
    expect(() => secretKey('whsec_c2hvcnQ=')).toThrow('24–64 bytes, got 5');
    expect(() => secretKey('whsec_not base64!')).toThrow('base64');
  });
});
