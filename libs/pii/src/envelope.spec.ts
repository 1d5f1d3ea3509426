import { describe, expect, it } from '@jest/globals';
import { PiiError } from './pii.errors.js';
import { generateKey, parseKeyList, PiiKeyRing } from './envelope.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as PiiError).code;
  }
  throw new Error('expected a PiiError');
};

describe('PII envelope encryption (AES-256-GCM, DEK per value wrapped by a KEK)', () => {
  const k1 = generateKey('k1');
  const k2 = generateKey('k2');

  it('round-trips unicode text; the envelope names the active key and hides the plaintext', () => {
    const ring = new PiiKeyRing([k1]);
    const text = 'Zoë Ångström <zoe@example.org>\n履歴書';
    const env = ring.encrypt(text, 'candidates.email:42');
    expect(env.startsWith('pii1.k1.')).toBe(true);
    expect(env).not.toContain('zoe');
    expect(ring.decrypt(env, 'candidates.email:42')).toBe(text);
    // a fresh data key and IV per value: the same plaintext encrypts differently
    expect(ring.encrypt(text, 'candidates.email:42')).not.toBe(env);
  });

  it('refuses the wrong context (an envelope copied to another row), tampering and unknown keys with typed errors', () => {
    const ring = new PiiKeyRing([k1]);
    const env = ring.encrypt('secret', 'candidates.name:1');
    expect(code(() => ring.decrypt(env, 'candidates.name:2'))).toBe('DECRYPT_FAILED');
    const parts = env.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] ^= 1;
    expect(code(() => ring.decrypt([...parts.slice(0, 4), body.toString('base64url')].join('.'), 'candidates.name:1'))).toBe('DECRYPT_FAILED');
    expect(code(() => new PiiKeyRing([k2]).decrypt(env, 'candidates.name:1'))).toBe('UNKNOWN_KEY');
    expect(code(() => ring.decrypt('plaintext', ''))).toBe('DECRYPT_FAILED');
  });

  it('key rotation: rewrap moves the DEK to the new key without touching the data; after removing the old key it still decrypts', () => {
    const old = new PiiKeyRing([k1]);
    const values = ['Ada Lovelace', 'ada@example.org', 'resume text '.repeat(50)];
    const stored = values.map((v, i) => old.encrypt(v, `ctx:${i}`));
    const rotating = new PiiKeyRing([k2, k1]); // new key first = active, old kept for reading
    expect(stored.map((e) => rotating.decrypt(e, `ctx:${stored.indexOf(e)}`))).toEqual(values);
    const rewrapped = stored.map((e) => rotating.rewrap(e));
    expect(rewrapped.map((e) => rotating.keyIdOf(e))).toEqual(['k2', 'k2', 'k2']);
    rewrapped.forEach((e, i) => expect(e.split('.').slice(3)).toEqual(stored[i]!.split('.').slice(3))); // data ciphertext unchanged
    expect(rotating.rewrap(rewrapped[0]!)).toBe(rewrapped[0]); // already active: unchanged
    const retired = new PiiKeyRing([k2]); // k1 removed
    expect(rewrapped.map((e, i) => retired.decrypt(e, `ctx:${i}`))).toEqual(values);
    expect(code(() => retired.decrypt(stored[0]!, 'ctx:0'))).toBe('UNKNOWN_KEY'); // a value left un-rewrapped is named
  });

  it('parses id:base64key lists (first active) and names the bad entry', () => {
    const raw = `k2:${k2.key.toString('base64')}, k1:${k1.key.toString('base64')}`;
    const ring = new PiiKeyRing(parseKeyList(raw));
    expect(ring.activeId).toBe('k2');
    expect(code(() => parseKeyList('k1:c2hvcnQ='))).toBe('INVALID_INPUT');
    expect(code(() => parseKeyList(`bad id:${k1.key.toString('base64')}`))).toBe('INVALID_INPUT');
    expect(code(() => parseKeyList(`a:${k1.key.toString('base64')},a:${k2.key.toString('base64')}`))).toBe('INVALID_INPUT');
    expect(code(() => parseKeyList(''))).toBe('INVALID_INPUT');
  });
});
