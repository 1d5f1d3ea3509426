import { createHmac } from 'node:crypto';
import type { AppConfig } from '@app/config';
import { PiiKeyRing, type KeyEncryptionKey } from './envelope.js';
import { PiiError } from './pii.errors.js';

/** The context bound to an envelope (as AES-GCM additional data): the column and the row's stable identity. */
export const piiContext = {
  candidateName: (source: string, externalId: string) => `candidates.name:${source}/${externalId}`,
  candidateEmail: (source: string, externalId: string) => `candidates.email:${source}/${externalId}`,
  resumeText: (source: string, externalId: string) => `resumes.text:${source}/${externalId}`,
  /** An alert subscription's address, bound to the subscription's id. */
  subscriptionEmail: (subscriptionId: string) => `alert_subscriptions.email:${subscriptionId}`,
  /** A suppression-list entry's address, bound to its blind index (the row's key). */
  suppressionEmail: (emailIndex: string) => `alert_suppressions.email:${emailIndex}`,
  /** A stored alert API result (Idempotency-Key record), bound to its key-value key. */
  alertIdempotency: (kvKey: string) => `alerts.idem:${kvKey}`,
};

/** Every column that holds PII envelopes (rotation and the key check walk these). */
export const PII_ENVELOPE_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'candidates', column: 'name_enc' },
  { table: 'candidates', column: 'email_enc' },
  { table: 'resumes', column: 'text_enc' },
  { table: 'alert_subscriptions', column: 'email_enc' },
  { table: 'alert_suppressions', column: 'email_enc' },
];

let processDefault: PiiCipher | undefined;
const byConfig = new WeakMap<AppConfig, PiiCipher>();

/**
 * Encrypts candidate PII for storage (envelopes: {@link PiiKeyRing}) and computes the keyed blind indexes used instead
 * of plaintext for lookups and dedupe (HMAC-SHA256 under PII_INDEX_KEY, which does not change when PII_KEYS rotates).
 * Readers decrypt in Node; callers without pii:read get masked values and nothing is decrypted for them.
 */
export class PiiCipher {
  readonly ring: PiiKeyRing;

  constructor(keys: readonly KeyEncryptionKey[], private readonly indexKey: Buffer) {
    if (indexKey.length !== 32) throw new PiiError('INVALID_INPUT', `the blind-index key must be 32 bytes, got ${indexKey.length}`);
    this.ring = new PiiKeyRing(keys);
  }

  /** The cipher of a configuration (one per AppConfig). */
  static forConfig(config: AppConfig): PiiCipher {
    let c = byConfig.get(config);
    if (!c) byConfig.set(config, (c = new PiiCipher(config.pii.keys, config.pii.indexKey)));
    return c;
  }

  /** The cipher of the process's configuration, made the process default ({@link PiiCipher.current}); RuntimeModule calls this at boot. */
  static install(config: AppConfig): PiiCipher {
    return (processDefault = PiiCipher.forConfig(config));
  }

  /**
   * The process's cipher, for code that runs outside dependency injection (the ingest writers, feature transforms):
   * the one built for the process's AppConfig, else one from the environment's PII_KEYS / PII_INDEX_KEY.
   */
  static async current(): Promise<PiiCipher> {
    if (!processDefault) {
      const { loadConfig } = await import('@app/config');
      processDefault = PiiCipher.forConfig(loadConfig(process.env));
    }
    return processDefault;
  }

  get activeKeyId(): string {
    return this.ring.activeId;
  }

  encrypt(value: string | null | undefined, context: string): string | null {
    return value === null || value === undefined ? null : this.ring.encrypt(value, context);
  }

  decrypt(envelope: string | null | undefined, context: string): string | null {
    return envelope === null || envelope === undefined ? null : this.ring.decrypt(envelope, context);
  }

  /** The stored value: the envelope decrypted, else a legacy plaintext value not yet encrypted (`matchlab pii encrypt-existing`). */
  reveal(envelope: string | null | undefined, legacy: string | null | undefined, context: string): string | null {
    return envelope !== null && envelope !== undefined ? this.ring.decrypt(envelope, context) : (legacy ?? null);
  }

  /** Keyed blind index of an email address (trimmed, lower-cased): equal addresses give equal indexes; 64 hex chars. */
  emailIndex(email: string | null | undefined): string | null {
    if (email === null || email === undefined) return null;
    return createHmac('sha256', this.indexKey).update(`email\u0000${email.trim().toLowerCase()}`).digest('hex');
  }

  /**
   * Keyed digest (HMAC-SHA256 under PII_INDEX_KEY, 64 hex chars) of a value that may contain PII, for equality checks
   * only (e.g. the request fingerprint of an Idempotency-Key record); `purpose` separates the uses.
   */
  digest(purpose: string, value: string): string {
    return createHmac('sha256', this.indexKey).update(`${purpose}\u0000${value}`).digest('hex');
  }

  /** Keyed digest of a candidate's name and email (64 hex chars): tells a changed profile from an unchanged one without decrypting. */
  profileDigest(name: string | null | undefined, email: string | null | undefined): string {
    return createHmac('sha256', this.indexKey).update(`profile\u0000${name ?? '\u0001'}\u0000${email ?? '\u0001'}`).digest('hex');
  }

  /**
   * Keyed resume content hash (40 hex chars, fits `resumes.content_hash`) from the plain SHA-1 of the normalised text.
   * Without the index key nobody can test a guessed text against the stored hash.
   */
  contentHash(sha1Hex: string): string {
    return createHmac('sha256', this.indexKey).update(`resume\u0000${sha1Hex}`).digest('hex').slice(0, 40);
  }
}
