import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { generateKey } from './envelope.js';
import { PiiCipher, piiContext } from './pii-cipher.js';
import { PiiError } from './pii.errors.js';

describe('PiiCipher: envelopes bound to column and row, keyed blind indexes', () => {
  const k1 = generateKey('k1');
  const indexKey = Buffer.alloc(32, 5);
  const pii = new PiiCipher([k1], indexKey);

  it('encrypts with the row context; null stays null; reveal prefers the envelope, else the legacy plaintext', () => {
    const env = pii.encrypt('ada@example.org', piiContext.candidateEmail('crm', '42'))!;
    expect(env).toMatch(/^pii1\.k1\./);
    expect(pii.decrypt(env, piiContext.candidateEmail('crm', '42'))).toBe('ada@example.org');
    expect(() => pii.decrypt(env, piiContext.candidateEmail('crm', '43'))).toThrow(PiiError); // copied to another row
    expect(() => pii.decrypt(env, piiContext.candidateName('crm', '42'))).toThrow(PiiError); // copied to another column
    expect(pii.encrypt(null, 'x')).toBeNull();
    expect(pii.reveal(null, 'legacy', 'x')).toBe('legacy');
    expect(pii.reveal(env, 'ignored', piiContext.candidateEmail('crm', '42'))).toBe('ada@example.org');
    expect(pii.reveal(null, null, 'x')).toBeNull();
  });

  it('email index: trimmed and case-insensitive, keyed (another index key gives another index), stable across KEK rotation', () => {
    const i = pii.emailIndex(' Ada@Example.ORG ')!;
    expect(i).toMatch(/^[0-9a-f]{64}$/);
    expect(pii.emailIndex('ada@example.org')).toBe(i);
    expect(pii.emailIndex('bob@example.org')).not.toBe(i);
    expect(new PiiCipher([k1], Buffer.alloc(32, 6)).emailIndex('ada@example.org')).not.toBe(i);
    expect(new PiiCipher([generateKey('k2'), k1], indexKey).emailIndex('ada@example.org')).toBe(i);
    expect(i).not.toBe(createHash('sha256').update('ada@example.org').digest('hex'));
  });

  it('resume content hash: 40 hex chars, keyed, deterministic; profile digest changes with name or email', () => {
    const sha1 = createHash('sha1').update('python sql').digest('hex');
    const h = pii.contentHash(sha1);
    expect(h).toMatch(/^[0-9a-f]{40}$/);
    expect(h).not.toBe(sha1);
    expect(pii.contentHash(sha1)).toBe(h);
    expect(new PiiCipher([k1], Buffer.alloc(32, 6)).contentHash(sha1)).not.toBe(h);
    expect(pii.profileDigest('Ada', 'a@x.org')).toBe(pii.profileDigest('Ada', 'a@x.org'));
    expect(pii.profileDigest('Ada', null)).not.toBe(pii.profileDigest(null, 'Ada'));
    expect(pii.profileDigest('Ada', 'a@x.org')).not.toBe(pii.profileDigest('Ada', 'b@x.org'));
  });

  it('refuses a blind-index key that is not 32 bytes', () => {
    expect(() => new PiiCipher([k1], Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
