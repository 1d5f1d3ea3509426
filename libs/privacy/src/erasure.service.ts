import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordAudit } from '@app/audit';
import { AppConfig } from '@app/config';
import { PiiCipher, piiContext } from '@app/pii';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PrivacyError } from './privacy.errors.js';

/** The pub/sub channel of candidate activity (libs/market); its Postgres-backed messages carry candidate ids. */
const CANDIDATE_ACTIVITY_CHANNEL = 'matchlab:candidate-activity';

export interface ErasureResult {
  /** The tombstone's id; the audit entries about the candidate now name `erasure:<id>`. */
  erasureId: string;
  /** Rows removed (or anonymised) per table, and Redis keys removed. */
  removed: Record<string, number>;
}

/** The hash kept in the tombstone: SHA-256 of `source:external_id` (no personal data, enough to refuse a re-import). */
export function erasureRefHash(source: string, externalId: string): string {
  return createHash('sha256').update(`${source}:${externalId}`).digest('hex');
}

const rowsOf = (r: unknown): number => (Array.isArray(r) && typeof r[1] === 'number' ? r[1] : Array.isArray(r) ? r.length : 0);

/**
 * Right to be forgotten and data export for one candidate. Erasure runs in one transaction over every table that
 * holds the candidate (profile, resumes, offline and Postgres-online features, interactions, experiment assignments
 * and exposure logs, ranking logs, alert subscriptions, deliveries, sent-jobs ledger, suppression entries of their
 * addresses, activity outbox, profile-change log, simulator truth, protected attributes (fairness audits), evaluation
 * user lists, idempotency records), then
 * removes the candidate's keys from Redis (online features, idempotency records). A tombstone keeps only a hash of
 * the source reference; audit entries about the candidate are pseudonymised to the tombstone.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger('Privacy');

  private readonly pii: PiiCipher;

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(AppConfig) private readonly config: AppConfig) {
    this.pii = PiiCipher.forConfig(config);
  }

  private static checkId(id: string): string {
    if (!/^\d{1,18}$/.test(id)) throw new PrivacyError('INVALID_INPUT', `candidate id must be numeric, got "${id.slice(0, 40)}"`);
    return id;
  }

  private async tables(tx: EntityManager | DataSource): Promise<Set<string>> {
    const rows: Array<{ t: string }> = await tx.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`);
    return new Set(rows.map((r) => r.t));
  }

  async forget(candidateId: string, actor: string, reason = ''): Promise<ErasureResult> {
    const id = ErasureService.checkId(candidateId);
    const prefix = this.config.queuePrefix;
    const result = await this.db.transaction(async (tx) => {
      const found: Array<{ source: string; external_id: string; email: string | null; email_enc: string | null }> = await tx.query(`SELECT source, external_id, email, email_enc FROM candidates WHERE id = $1 FOR UPDATE`, [id]);
      const row = found[0];
      if (!row) throw new PrivacyError('NOT_FOUND', `candidate ${id} not found`);
      const c = { ...row, email: this.pii.reveal(row.email_enc, row.email, piiContext.candidateEmail(row.source, row.external_id)) };
      const have = await this.tables(tx);
      const removed: Record<string, number> = {};
      const run = async (table: string, sql: string, params: unknown[] = [id]) => {
        if (!have.has(table)) return;
        removed[table] = (removed[table] ?? 0) + rowsOf(await tx.query(sql, params));
      };
      // The candidate's address and every subscription address (decrypted in Node), to remove their suppression entries.
      const subs: Array<{ id: string; email: string | null; email_enc: string | null }> = await tx.query(`SELECT id::text AS id, email, email_enc FROM alert_subscriptions WHERE candidate_id = $1`, [id]);
      const addresses = [...new Set([c.email, ...subs.map((s) => this.pii.reveal(s.email_enc, s.email, piiContext.subscriptionEmail(s.id)))]
        .filter((e): e is string => !!e).map((e) => e.trim().toLowerCase()))];
      await tx.query(`SELECT set_config('matchlab.erasure', 'on', true)`);
      const candidateViews = `SELECT id FROM feature_definitions WHERE kind = 'view' AND entity = 'candidate'`;
      const pairViews = `SELECT id FROM feature_definitions WHERE kind = 'view' AND entity = 'candidate_job'`;
      await run('feature_rows', `DELETE FROM feature_rows WHERE (view_version_id IN (${candidateViews}) AND entity_key = $1) OR (view_version_id IN (${pairViews}) AND entity_key LIKE $1 || ':%')`);
      await run('feature_online', `DELETE FROM feature_online WHERE (view_version_id IN (${candidateViews}) AND entity_key = $1) OR (view_version_id IN (${pairViews}) AND entity_key LIKE $1 || ':%')`);
      await run('experiment_exposures', `DELETE FROM experiment_exposures WHERE ranking_seq IN (SELECT seq FROM experiment_rankings WHERE unit_id = $1)`);
      await run('experiment_rankings', `DELETE FROM experiment_rankings WHERE unit_id = $1`);
      await run('experiment_assignments', `DELETE FROM experiment_assignments WHERE unit_id = $1`);
      await run('ranking_logs', `DELETE FROM ranking_logs WHERE candidate_id = $1`);
      await run('alert_sent_jobs', `DELETE FROM alert_sent_jobs WHERE candidate_id = $1`);
      await run('alert_owner_notices', `DELETE FROM alert_owner_notices WHERE subscription_id IN (SELECT id FROM alert_subscriptions WHERE candidate_id = $1)`);
      await run('alert_deliveries', `DELETE FROM alert_deliveries WHERE candidate_id = $1 OR subscription_id IN (SELECT id FROM alert_subscriptions WHERE candidate_id = $1)`);
      await run('alert_subscriptions', `DELETE FROM alert_subscriptions WHERE candidate_id = $1`);
      if (addresses.length) await run('alert_suppressions', `DELETE FROM alert_suppressions WHERE email_index = ANY($1::text[]) OR email = ANY($2::text[])`, [addresses.map((e) => this.pii.emailIndex(e)), addresses]);
      await run('interactions', `DELETE FROM interactions WHERE candidate_id = $1`);
      await run('resumes', `DELETE FROM resumes WHERE candidate_id = $1`);
      await run('candidate_activity', `DELETE FROM candidate_activity WHERE candidate_id = $1`);
      await run('candidate_profile_changes', `DELETE FROM candidate_profile_changes WHERE candidate_id = $1`);
      await run('sim_candidate_truth', `DELETE FROM sim_candidate_truth WHERE candidate_id = $1`);
      await run('candidate_protected_attributes', `DELETE FROM candidate_protected_attributes WHERE candidate_id = $1`);
      // Evaluations keep their per-user value arrays aligned with user_ids: the id is replaced, not removed.
      await run('evaluations', `UPDATE evaluations SET user_ids = array_replace(user_ids, $1::text, 'erased') WHERE $1::text = ANY(user_ids)`);
      await run('evaluation_shards', `UPDATE evaluation_shards SET input = jsonb_set(input, '{users}', (SELECT COALESCE(jsonb_agg(CASE WHEN u #>> '{}' = $1 THEN '"erased"'::jsonb ELSE u END), '[]'::jsonb) FROM jsonb_array_elements(input->'users') u))
                                      WHERE jsonb_typeof(input->'users') = 'array' AND input->'users' @> jsonb_build_array($1::text)`);
      // Key-value store on Postgres (no Redis): alert idempotency records naming the candidate (their `refs`; the
      // results themselves are sealed envelopes), queued activity messages.
      const needles = [`"candidateId":"${id}"`];
      await run('kv_entries', `DELETE FROM kv_entries WHERE key LIKE $1 || ':alerts:idem:%' AND EXISTS (SELECT 1 FROM unnest($2::text[]) n WHERE strpos(lower(value), lower(n)) > 0)`, [prefix, needles]);
      await run('kv_messages', `DELETE FROM kv_messages WHERE channel = $2 AND payload LIKE '%"' || $1 || '"%'`, [id, CANDIDATE_ACTIVITY_CHANNEL]);
      await run('candidates', `DELETE FROM candidates WHERE id = $1`);
      const tomb: Array<{ id: string }> = await tx.query(
        `INSERT INTO candidate_erasures (ref_hash, actor, reason, removed) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
        [erasureRefHash(c.source, c.external_id), actor.slice(0, 320), reason.slice(0, 1000), JSON.stringify(removed)],
      );
      const erasureId = tomb[0]!.id;
      // Earlier entries about the candidate (PII reads, exports) now point at the tombstone.
      await tx.query(`UPDATE audit_log SET subject = $2 WHERE subject = $1`, [`candidate:${id}`, `erasure:${erasureId}`]);
      await recordAudit(tx, { actor, action: 'candidate.delete', subject: `erasure:${erasureId}`, detail: { removed, reason } });
      return { erasureId, removed };
    });
    result.removed['redis_keys'] = await this.forgetInRedis(id, prefix);
    // Counts only: never the candidate's data.
    this.logger.log(`erasure ${result.erasureId}: ${Object.entries(result.removed).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    return result;
  }

  /** Online features (`<prefix>:fs:<view>:<generation>:<entityKey>`) and alert idempotency records of the candidate. */
  private async forgetInRedis(id: string, prefix: string): Promise<number> {
    if (!this.config.redisUrl) return 0;
    const redis = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    try {
      await redis.connect();
      let n = 0;
      const fs = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:fs:\\d+:\\d+:(.*)$`);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:fs:*`, 'COUNT', 5000);
        cursor = next;
        const mine = keys.filter((k) => {
          const key = fs.exec(k)?.[1];
          return key !== undefined && (key === id || key.startsWith(`${id}:`));
        });
        if (mine.length) n += await redis.unlink(...mine);
      } while (cursor !== '0');
      cursor = '0';
      const needle = `"candidateId":"${id}"`;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:alerts:idem:*`, 'COUNT', 1000);
        cursor = next;
        const vals = keys.length ? await redis.mget(keys) : [];
        const mine = keys.filter((_, i) => vals[i]?.includes(needle));
        if (mine.length) n += await redis.unlink(...mine);
      } while (cursor !== '0');
      return n;
    } finally {
      redis.disconnect();
    }
  }

  /** Whether a candidate with this source reference was erased (an importer can refuse to bring it back). */
  async wasErased(source: string, externalId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM candidate_erasures WHERE ref_hash = $1 LIMIT 1`, [erasureRefHash(source, externalId)]);
    return rows.length > 0;
  }

  /**
   * Everything held about a candidate, as one JSON document: profile, resumes, interactions, offline and online
   * feature values, alert subscriptions (webhook secrets left out), deliveries, sent-jobs ledger, experiment
   * assignments and exposures, ranking logs. Recorded in the audit log.
   */
  async export(candidateId: string, actor: string): Promise<Record<string, unknown>> {
    const id = ErasureService.checkId(candidateId);
    const have = await this.tables(this.db);
    const q = async (table: string, sql: string, params: unknown[] = [id]): Promise<unknown[]> => (have.has(table) ? ((await this.db.query(sql, params)) as unknown[]) : []);
    const stored = (await q('candidates', `SELECT id::text AS id, source, external_id, name, email, name_enc, email_enc, city, region, country, desired_titles, skills, years_experience, education_level, salary_expectation, preferences, consent_alerts, consent_training, time_zone, created_at, updated_at FROM candidates WHERE id = $1`))[0] as Record<string, any> | undefined;
    if (!stored) throw new PrivacyError('NOT_FOUND', `candidate ${id} not found`);
    // The export holds the person's data in the clear (it is theirs); the envelopes are decrypted here.
    const { name_enc: nameEnc, email_enc: emailEnc, ...profile } = stored;
    profile['name'] = this.pii.reveal(nameEnc, profile['name'], piiContext.candidateName(profile['source'], profile['external_id']));
    profile['email'] = this.pii.reveal(emailEnc, profile['email'], piiContext.candidateEmail(profile['source'], profile['external_id']));
    const resumes = (await q('resumes', `SELECT id::text AS id, source, external_id, category, text, text_enc, parsed_skills, created_at, updated_at FROM resumes WHERE candidate_id = $1 ORDER BY id`)) as Array<Record<string, any>>;
    const views = `SELECT d.id, d.name, d.version, d.entity FROM feature_definitions d WHERE d.kind = 'view' AND d.entity IN ('candidate', 'candidate_job')`;
    const doc = {
      exportedAt: new Date().toISOString(),
      candidate: profile,
      resumes: resumes.map(({ text_enc: enc, ...r }) => ({ ...r, text: this.pii.reveal(enc, r['text'], piiContext.resumeText(r['source'], r['external_id'])) })),
      interactions: await q('interactions', `SELECT event_id, job_id::text AS job_id, type, occurred_at, ranking_id, experiment_key, variant, position, source FROM interactions WHERE candidate_id = $1 ORDER BY occurred_at, id`),
      features: {
        offline: await q('feature_rows', `SELECT v.name AS view, v.version, f.entity_key, f.event_time, f."values" FROM feature_rows f JOIN (${views}) v ON v.id = f.view_version_id
                                          WHERE (v.entity = 'candidate' AND f.entity_key = $1) OR (v.entity = 'candidate_job' AND f.entity_key LIKE $1 || ':%') ORDER BY v.name, v.version, f.event_time`),
        online: await q('feature_online', `SELECT v.name AS view, v.version, f.generation, f.entity_key, f.event_time, f."values" FROM feature_online f JOIN (${views}) v ON v.id = f.view_version_id
                                            WHERE (v.entity = 'candidate' AND f.entity_key = $1) OR (v.entity = 'candidate_job' AND f.entity_key LIKE $1 || ':%') ORDER BY v.name, v.version`),
      },
      alertSubscriptions: ((await q('alert_subscriptions', `SELECT id::text AS id, channel, email, email_enc, webhook_url, frequency, send_hour, send_weekday, time_zone, quiet_start, quiet_end, filters, model_ref, top_k, status, status_reason, last_sent_at, next_due_at, created_at FROM alert_subscriptions WHERE candidate_id = $1 ORDER BY id`)) as Array<Record<string, any>>)
        .map(({ email_enc: enc, ...s }) => ({ ...s, email: this.pii.reveal(enc, s['email'], piiContext.subscriptionEmail(s['id'])) })),
      alertDeliveries: await q('alert_deliveries', `SELECT id::text AS id, subscription_id::text AS subscription_id, channel, status, due_at, ranking_id, model_ref, model_version, experiment_key, variant, items, attempts, last_error, created_at, sent_at FROM alert_deliveries WHERE candidate_id = $1 ORDER BY id`),
      alertSentJobs: await q('alert_sent_jobs', `SELECT job_id::text AS job_id, delivery_id::text AS delivery_id, position, sent_at FROM alert_sent_jobs WHERE candidate_id = $1 ORDER BY sent_at`),
      experimentAssignments: await q('experiment_assignments', `SELECT e.key AS experiment, a.phase, a.variant, a.assigned_at FROM experiment_assignments a JOIN experiments e ON e.id = a.experiment_id WHERE a.unit_id = $1`),
      experimentExposures: await q('experiment_rankings', `SELECT r.ranking_id, e.key AS experiment, r.variant, r.served_at, r.items FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE r.unit_id = $1 ORDER BY r.seq`),
      protectedAttributes: await q('candidate_protected_attributes', `SELECT attribute, value, consent_at, recorded_at FROM candidate_protected_attributes WHERE candidate_id = $1 ORDER BY attribute`),
      rankingLogs: await q('ranking_logs', `SELECT ranking_id, channel, model_ref, model_version, experiment_key, variant, items, created_at FROM ranking_logs WHERE candidate_id = $1 ORDER BY created_at`),
    };
    await recordAudit(this.db, { actor, action: 'candidate.export', subject: `candidate:${id}`, detail: { sections: Object.fromEntries(Object.entries(doc).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length])) } });
    return doc;
  }
}
