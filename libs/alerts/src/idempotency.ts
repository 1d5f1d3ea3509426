import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { KeyValueStore } from '@app/kv';
import { AlertError, type AlertErrorCode } from './alerts.errors.js';

const TTL_SECONDS = 24 * 3600;
const LOCK_SECONDS = 60;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

type Stored = { fp: string; ok: true; value: unknown } | { fp: string; ok: false; error: { code: AlertErrorCode; message: string } };

/**
 * `Idempotency-Key` for the alert mutations (Stripe/Novu style): the first result — success or typed error — is kept
 * 24 h per caller and key and replayed for the same request; the same key with a different request is refused
 * (IDEMPOTENCY_KEY_REUSED); a duplicate arriving while the first is still running is refused with CONFLICT.
 * Stored in the key-value store (Redis, or its Postgres stand-in).
 */
@Injectable()
export class AlertIdempotency {
  constructor(@Inject(KeyValueStore) private readonly kv: KeyValueStore, @Inject(AppConfig) private readonly config: AppConfig) {}

  async run<T>(scope: string, key: string | undefined, request: unknown, fn: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    if (key === undefined) return { value: await fn(), replayed: false };
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new AlertError('INVALID_INPUT', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const fp = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    // Namespaced by the deployment's prefix (QUEUE_PREFIX), like its queues.
    const base = `${this.config.queuePrefix}:alerts:idem:${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex')}`;
    const replay = async (): Promise<{ value: T; replayed: boolean } | null> => {
      const raw = await this.kv.get(base);
      if (!raw) return null;
      const stored = JSON.parse(raw, (_k, v) => (typeof v === 'string' && ISO.test(v) ? new Date(v) : v)) as Stored;
      if (stored.fp !== fp) throw new AlertError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
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
    try {
      const value = await fn();
      await this.kv.set(base, JSON.stringify({ fp, ok: true, value } satisfies Stored), TTL_SECONDS);
      return { value, replayed: false };
    } catch (err) {
      if (err instanceof AlertError) await this.kv.set(base, JSON.stringify({ fp, ok: false, error: { code: err.code, message: err.message } } satisfies Stored), TTL_SECONDS);
      throw err;
    } finally {
      await this.kv.del(`${base}:lock`);
    }
  }
}
