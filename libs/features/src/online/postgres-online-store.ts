import type { DataSource } from 'typeorm';
import type { FeatureValue } from '../definitions/types.js';
import { OnlineStore, type OnlineKey, type OnlineRecord } from './online-store.js';

const WRITE_CHUNK = 5000;

/** Online store for deployments without Redis: the unlogged `feature_online` table, same interface. */
export class PostgresOnlineStore extends OnlineStore {
  readonly backend = 'postgres' as const;

  constructor(private readonly db: DataSource) {
    super();
  }

  async write(viewVersionId: number, generation: number, records: OnlineRecord[], ttlMs: number): Promise<number> {
    const now = Date.now();
    const live = records.filter((r) => r.eventTime + ttlMs > now);
    for (let s = 0; s < live.length; s += WRITE_CHUNK) {
      const b = live.slice(s, s + WRITE_CHUNK);
      await this.db.query(
        `INSERT INTO feature_online (view_version_id, generation, entity_key, event_time, "values", expires_at)
         SELECT $1, $2, u.k, to_timestamp(u.t / 1000), u.v::jsonb, to_timestamp((u.t + $6::float8) / 1000)
           FROM unnest($3::text[], $4::float8[], $5::text[]) AS u(k, t, v)
         ON CONFLICT (view_version_id, generation, entity_key) DO UPDATE SET event_time = excluded.event_time, "values" = excluded."values", expires_at = excluded.expires_at`,
        [viewVersionId, generation, b.map((r) => r.key), b.map((r) => r.eventTime), b.map((r) => r.valuesJson ?? JSON.stringify(r.values)), ttlMs],
      );
    }
    return live.length;
  }

  async read(keys: OnlineKey[]): Promise<Array<OnlineRecord | null>> {
    if (keys.length === 0) return [];
    const rows = await this.db.query(
      `SELECT u.ord, (extract(epoch FROM o.event_time) * 1000)::float8 AS t, o."values" FROM unnest($1::int[], $2::int[], $3::text[]) WITH ORDINALITY AS u(vv, g, k, ord)
         JOIN feature_online o ON o.view_version_id = u.vv AND o.generation = u.g AND o.entity_key = u.k AND o.expires_at > clock_timestamp()`,
      [keys.map((k) => k.viewVersionId), keys.map((k) => k.generation), keys.map((k) => k.key)],
    ) as Array<{ ord: string; t: number; values: FeatureValue[] }>;
    const out: Array<OnlineRecord | null> = new Array(keys.length).fill(null);
    for (const r of rows) {
      const i = Number(r.ord) - 1;
      out[i] = { key: keys[i]!.key, eventTime: r.t, values: r.values };
    }
    return out;
  }

  async sample(viewVersionId: number, generation: number, limit: number): Promise<OnlineRecord[]> {
    const rows = await this.db.query(
      `SELECT entity_key, (extract(epoch FROM event_time) * 1000)::float8 AS t, "values" FROM feature_online WHERE view_version_id = $1 AND generation = $2 AND expires_at > clock_timestamp() LIMIT $3`,
      [viewVersionId, generation, limit],
    ) as Array<{ entity_key: string; t: number; values: FeatureValue[] }>;
    return rows.map((r) => ({ key: r.entity_key, eventTime: r.t, values: r.values }));
  }

  async dropGeneration(viewVersionId: number, generation: number): Promise<void> {
    await this.db.query(`DELETE FROM feature_online WHERE view_version_id = $1 AND generation = $2`, [viewVersionId, generation]);
  }

  async close(): Promise<void> {
    // the DataSource belongs to the app
  }
}
