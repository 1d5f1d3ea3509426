import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PiiError } from './pii.errors.js';

/**
 * Envelope encryption for personal data (AES-256-GCM, node:crypto): each value gets its own random data key (DEK);
 * the DEK is wrapped (encrypted) by a key-encryption key (KEK) from a key ring whose first key is the active one.
 * The envelope names the KEK's id, so a key rotation re-wraps DEKs (`rewrap`) without touching the data ciphertext,
 * and a retired KEK can be removed once nothing names it.
 *
 * Envelope text: `pii1.<kek id>.<wrapped DEK>.<iv>.<ciphertext+tag>` (base64url parts). The KEK id is bound to the
 * wrapped DEK as additional data, and an optional context (e.g. `candidates.email:42`) to the ciphertext, so an
 * envelope copied to another row or field does not decrypt.
 *
 * Applied to candidate name, email and resume text through {@link PiiCipher} (see libs/privacy/README.md, "PII at rest").
 */
export interface KeyEncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const VERSION = 'pii1';
const ID = /^[A-Za-z0-9_-]{1,32}$/;
const b64 = (b: Buffer) => b.toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');

/** `id:base64key[,id:base64key…]`, first = active. Throws PiiError(INVALID_INPUT) naming the bad entry. */
export function parseKeyList(raw: string): KeyEncryptionKey[] {
  const keys = raw.split(',').map((s) => s.trim()).filter(Boolean).map((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!ID.test(id)) throw new PiiError('INVALID_INPUT', `key ${i + 1}: expected id:base64key with an id of 1-32 letters, digits, _ or -`);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32) throw new PiiError('INVALID_INPUT', `key ${id}: must be 32 bytes (base64), got ${key.length}`);
    return { id, key };
  });
  if (keys.length === 0) throw new PiiError('INVALID_INPUT', 'no keys');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new PiiError('INVALID_INPUT', 'duplicate key id');
  return keys;
}

export function generateKey(id: string): KeyEncryptionKey {
  if (!ID.test(id)) throw new PiiError('INVALID_INPUT', `key id must be 1-32 letters, digits, _ or -`);
  return { id, key: randomBytes(32) };
}

function seal(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; body: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { iv, body };
}

function open(key: Buffer, iv: Buffer, body: Buffer, aad: string): Buffer {
  if (iv.length !== 12 || body.length < 16) throw new PiiError('DECRYPT_FAILED', 'malformed envelope');
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
  } catch {
    throw new PiiError('DECRYPT_FAILED', 'envelope does not decrypt (wrong key, context or tampered data)');
  }
}

export class PiiKeyRing {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: readonly KeyEncryptionKey[]) {
    if (keys.length === 0) throw new PiiError('INVALID_INPUT', 'the key ring needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string, context = ''): string {
    const dek = randomBytes(32);
    const data = seal(dek, Buffer.from(plaintext, 'utf8'), context);
    const kek = this.keys[0]!;
    const wrapped = seal(kek.key, dek, `${VERSION}.${kek.id}`);
    return [VERSION, kek.id, b64(Buffer.concat([wrapped.iv, wrapped.body])), b64(data.iv), b64(data.body)].join('.');
  }

  decrypt(envelope: string, context = ''): string {
    const { dek, iv, body } = this.unwrap(envelope);
    return open(dek, iv, body, context).toString('utf8');
  }

  /** The KEK id an envelope is wrapped with. */
  keyIdOf(envelope: string): string {
    return this.parts(envelope)[1];
  }

  /** Re-wraps the data key under the active KEK; the data ciphertext is unchanged. Unchanged when already active. */
  rewrap(envelope: string): string {
    const p = this.parts(envelope);
    if (p[1] === this.activeId) return envelope;
    const { dek } = this.unwrap(envelope);
    const kek = this.keys[0]!;
    const wrapped = seal(kek.key, dek, `${VERSION}.${kek.id}`);
    return [VERSION, kek.id, b64(Buffer.concat([wrapped.iv, wrapped.body])), p[3], p[4]].join('.');
  }

  private parts(envelope: string): [string, string, string, string, string] {
    const p = envelope.split('.');
    if (p.length !== 5 || p[0] !== VERSION) throw new PiiError('DECRYPT_FAILED', 'not a pii1 envelope');
    return p as [string, string, string, string, string];
  }

  private unwrap(envelope: string): { dek: Buffer; iv: Buffer; body: Buffer } {
    const [, kid, wrapped, iv, body] = this.parts(envelope);
    const kek = this.byId.get(kid);
    if (!kek) throw new PiiError('UNKNOWN_KEY', `envelope is wrapped with key "${kid}", which is not in the key ring`, { keyId: kid });
    const w = unb64(wrapped);
    const dek = open(kek, w.subarray(0, 12), w.subarray(12), `${VERSION}.${kid}`);
    return { dek, iv: unb64(iv), body: unb64(body) };
  }
}
