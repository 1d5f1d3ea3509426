import pg from 'pg';
import { KeyValueStore } from './key-value-store.js';

/**
 * KeyValueStore on two unlogged Postgres tables. Pub/sub polls `kv_messages` by id (LISTEN/NOTIFY is not
 * delivered reliably through PGlite's single multiplexed session); old messages are pruned as it goes.
 */
export class PostgresKeyValueStore extends KeyValueStore {
  readonly backend = 'postgres' as const;
  private readonly handlers = new Map<string, Set<(m: string) => void>>();
  private lastSeenId = 0n;
  private poller?: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly pool: pg.Pool, private readonly pollMs = 250) {
    super();
  }

  static connect(url: string, poolSize = 2): PostgresKeyValueStore {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    pool.on('error', () => undefined);
    return new PostgresKeyValueStore(pool);
  }

  async get(key: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM kv_entries WHERE key = $1 AND (expires_at IS NULL OR expires_at > clock_timestamp())',
      [key],
    );
    return rows[0]?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO kv_entries (key, value, expires_at)
       VALUES ($1, $2, CASE WHEN $3::float8 IS NULL THEN NULL ELSE clock_timestamp() + make_interval(secs => $3::float8) END)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [key, value, ttlSeconds ?? null],
    );
  }

  async del(key: string): Promise<void> {
    await this.pool.query('DELETE FROM kv_entries WHERE key = $1', [key]);
  }

  async incrBy(key: string, by: number, ttlSeconds?: number): Promise<number> {
    // An expired row restarts from zero with a fresh TTL, as a Redis key would have vanished.
    const { rows } = await this.pool.query<{ value: string }>(
      `INSERT INTO kv_entries (key, value, expires_at)
       VALUES ($1, $2::bigint::text, CASE WHEN $3::float8 IS NULL THEN NULL ELSE clock_timestamp() + make_interval(secs => $3::float8) END)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN kv_entries.expires_at IS NOT NULL AND kv_entries.expires_at <= clock_timestamp()
                      THEN excluded.value ELSE (kv_entries.value::bigint + $2::bigint)::text END,
         expires_at = CASE WHEN kv_entries.expires_at IS NOT NULL AND kv_entries.expires_at <= clock_timestamp()
                      THEN excluded.expires_at ELSE kv_entries.expires_at END
       RETURNING value`,
      [key, by, ttlSeconds ?? null],
    );
    return Number(rows[0]!.value);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.pool.query('INSERT INTO kv_messages (channel, payload) VALUES ($1, $2)', [channel, message]);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.poller) {
      const { rows } = await this.pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM kv_messages');
      this.lastSeenId = BigInt(rows[0]?.max ?? 0);
      this.poller = setInterval(() => void this.poll(), this.pollMs);
      this.poller.unref();
    }
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0) this.handlers.delete(channel);
    };
  }

  private async poll(): Promise<void> {
    if (this.polling || this.handlers.size === 0) return;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{ id: string; channel: string; payload: string }>(
        'SELECT id::text, channel, payload FROM kv_messages WHERE id > $1 AND channel = ANY($2) ORDER BY id LIMIT 1000',
        [this.lastSeenId.toString(), [...this.handlers.keys()]],
      );
      for (const row of rows) {
        this.lastSeenId = BigInt(row.id);
        this.handlers.get(row.channel)?.forEach((h) => h(row.payload));
      }
      if (Math.random() < 0.01) {
        await this.pool.query(`DELETE FROM kv_messages WHERE created_at < now() - interval '10 minutes'`);
        await this.pool.query('DELETE FROM kv_entries WHERE expires_at < now()');
      }
    } catch {
      // transient: the next tick retries from the same id
    } finally {
      this.polling = false;
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM kv_entries LIMIT 0');
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    await this.pool.end();
  }
}
