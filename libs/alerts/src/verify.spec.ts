import { describe, expect, it } from '@jest/globals';
import { verifyAlertWebhook } from './verify.js';

// The example published with the Standard Webhooks specification (and Svix's docs).
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = '{"test": 2432232314}';
const headers = { 'Webhook-Id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'Webhook-Timestamp': '1614265330', 'Webhook-Signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };

describe('verifyAlertWebhook', () => {
  it("accepts the specification's published example and returns the payload", () => {
    expect(verifyAlertWebhook(secret, headers, body, 1614265330)).toEqual({ test: 2432232314 });
  });

  it('accepts the right signature among several (secret rotation), refuses a changed body, another secret or an old timestamp', () => {
    expect(verifyAlertWebhook(secret, { ...headers, 'Webhook-Signature': `v1,AAAA${headers['Webhook-Signature'].slice(7)} ${headers['Webhook-Signature']}` }, body, 1614265330)).toEqual({ test: 2432232314 });
    expect(() => verifyAlertWebhook(secret, headers, body.replace('2432232314', '1'), 1614265330)).toThrow(/not valid/);
    expect(() => verifyAlertWebhook('whsec_' + Buffer.alloc(32, 7).toString('base64'), headers, body, 1614265330)).toThrow(/not valid/);
    expect(() => verifyAlertWebhook(secret, headers, body, 1614265330 + 301)).toThrow(/not valid/);
  });
});
