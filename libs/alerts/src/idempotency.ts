import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { KeyValueStore } from '@app/kv';
import { PiiCipher, piiContext } from '@app/pii';
import { AlertError, type AlertErrorCode } from './alerts.errors.js';

const TTL_SECONDS = 24 * 3600;
const LOCK_SECONDS = 60;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

type Outcome = { ok: true; value: unknown } | { ok: false; error: { code: AlertErrorCode; message: string } };
/**
 * What is stored: the request fingerprint (keyed HMAC: the request may carry an email address), the candidates the
 * record is about (`refs`, so an erasure finds it), and the outcome sealed as a PII envelope (a subscription result
 * holds the address, an INVALID_EMAIL error quotes it).
 */
type Stored = { fp: string; refs: Array<{ candidateId: string }>; sealed: string };

/** Every `candidateId` string in a request or result (the candidates an idempotency record is about). */
function candidateRefs(...values: unknown[]): Array<{ candidateId: string }> {
  const ids = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    for (const [k, x] of Object.entries(v)) {
      if (k === 'candidateId' && (typeof x === 'string' || typeof x === 'number')) ids.add(String(x));
      else walk(x, depth + 1);
    }
  };
  values.forEach((v) => walk(v, 0));
  return [...ids].map((candidateId) => ({ candidateId }));
}

/**
 * `Idempotency-Key` for the alert mutations (Stripe/Novu style): the first result — success or typed error — is kept
 * 24 h per caller and key and replayed for the same request; the same key with a different request is refused
 * (IDEMPOTENCY_KEY_REUSED); a duplicate arriving while the first is still running is refused with CONFLICT.
 * Stored in the key-value store (Redis, or its Postgres stand-in).
 */
@Injectable()
export class AlertIdempotency {
  constructor(@Inject(KeyValueStore) private readonly kv: KeyValueStore, @Inject(AppConfig) private readonly config: AppConfig) {}

  private get pii(): PiiCipher {
    return PiiCipher.forConfig(this.config);
  }

  async run<T>(scope: string, key: string | undefined, request: unknown, fn: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    if (key === undefined) return { value: await fn(), replayed: false };
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new AlertError('INVALID_INPUT', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const fp = this.pii.digest('alerts.idem.request', JSON.stringify(request));
    // Namespaced by the deployment's prefix (QUEUE_PREFIX), like its queues.
    const base = `${this.config.queuePrefix}:alerts:idem:${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex')}`;
    const replay = async (): Promise<{ value: T; replayed: boolean } | null> => {
      const raw = await this.kv.get(base);
      if (!raw) return null;
      const record = JSON.parse(raw) as Stored;
      if (record.fp !== fp) throw new AlertError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
      const stored = JSON.parse(this.pii.decrypt(record.sealed, piiContext.alertIdempotency(base))!, (_k, v) => (typeof v === 'string' && ISO.test(v) ? new Date(v) : v)) as Outcome;
      if (!stored.ok) throw new AlertError(stored.error.code, stored.error.message, { idempotentReplay: true });
      return { value: stored.value as T, replayed: true };
    };
    const first = await replay();
    if (first) return first;
    if ((await this.kv.incrBy(`${base}:lock`, 1, LOCK_SECONDS)) > 1) {
      const done = await replay();
      if (done) return done;
      throw new AlertError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry in a moment');
    }
    const store = (outcome: Outcome) =>
      this.kv.set(base, JSON.stringify({ fp, refs: candidateRefs(request, outcome.ok ? outcome.value : null), sealed: this.pii.encrypt(JSON.stringify(outcome), piiContext.alertIdempotency(base))! } satisfies Stored), TTL_SECONDS);
    try {
      const value = await fn();
      await store({ ok: true, value });
      return { value, replayed: false };
    } catch (err) {
      if (err instanceof AlertError) await store({ ok: false, error: { code: err.code, message: err.message } });
      throw err;
    } finally {
      await this.kv.del(`${base}:lock`);
    }
  }
}
