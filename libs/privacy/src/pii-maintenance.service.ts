import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { normalizeText } from '@app/ingest';
import { PII_ENVELOPE_COLUMNS, PiiCipher, piiContext } from '@app/pii';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

const BATCH = 500;

export type PiiProgress = (done: number, total: number) => void;

/** Where the stored envelopes stand: envelopes per key id and column, and rows still holding plaintext. */
export interface PiiKeyStatus {
  activeKeyId: string;
  configuredKeyIds: string[];
  /** `{ keyId: { 'candidates.name_enc': n, … } }` */
  envelopes: Record<string, Record<string, number>>;
  /** Configured keys no envelope names: safe to remove from PII_KEYS (never the active one). */
  removableKeyIds: string[];
  /** Key ids envelopes name that are not in PII_KEYS: those rows cannot be read until the key is added back. */
  missingKeyIds: string[];
  /** Envelopes not under the active key (what `rotate-keys` re-wraps). */
  notActive: number;
  /** Legacy plaintext rows (what `encrypt-existing` encrypts). */
  plaintext: PiiRowCounts;
}

/** Rows per table: candidates (name, email), resumes (text), alert subscriptions (address), suppression-list entries (address). */
export interface PiiRowCounts {
  candidates: number;
  resumes: number;
  alertSubscriptions: number;
  alertSuppressions: number;
}

export const totalRows = (c: PiiRowCounts): number => c.candidates + c.resumes + c.alertSubscriptions + c.alertSuppressions;

/**
 * Operations over the stored PII (CLI `matchlab pii …`, and `encryptExisting` at API boot): encrypt rows written
 * before PiiEncryption1764200900000, re-wrap every envelope under the active key (rotation), report which keys are
 * still named, and decrypt everything back (before reverting the migration). Batched; compare-and-set updates, so a
 * row rewritten concurrently by a writer is left to the writer.
 */
@Injectable()
export class PiiMaintenanceService {
  private readonly pii: PiiCipher;

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(AppConfig) config: AppConfig) {
    this.pii = PiiCipher.forConfig(config);
  }

  private async count(sql: string): Promise<number> {
    return Number((await this.db.query(sql))[0].n);
  }

  /**
   * Keyset walk by id: `select` takes the last id seen as $1 and returns up to BATCH rows (`… AND id > $1 ORDER BY id
   * LIMIT BATCH`, with `id::text AS id`); `update` writes one batch and returns how many rows it changed.
   */
  private async inBatches<R extends { id: string }>(select: string, update: (rows: R[]) => Promise<number>, done: (rows: number) => void): Promise<number> {
    let changed = 0;
    for (let last = '0'; ; ) {
      const rows: R[] = await this.db.query(select, [last]);
      if (!rows.length) return changed;
      last = rows[rows.length - 1]!.id;
      changed += await update(rows);
      done(rows.length);
    }
  }

  /** Rows an UPDATE … FROM unnest(…) changed (TypeORM's raw query answers [rows, count]). */
  private async changed(sql: string, params: unknown[]): Promise<number> {
    return Number((await this.db.query(sql, params))[1] ?? 0);
  }

  async status(): Promise<PiiKeyStatus> {
    const envelopes: Record<string, Record<string, number>> = {};
    for (const { table, column } of PII_ENVELOPE_COLUMNS) {
      const rows: Array<{ k: string; n: string }> = await this.db.query(`SELECT split_part(${column}, '.', 2) AS k, count(*)::text AS n FROM ${table} WHERE ${column} IS NOT NULL GROUP BY 1`);
      for (const r of rows) (envelopes[r.k] ??= {})[`${table}.${column}`] = Number(r.n);
    }
    const configured = this.pii.ring.keys.map((k) => k.id);
    const active = this.pii.activeKeyId;
    const notActive = Object.entries(envelopes).filter(([k]) => k !== active).reduce((s, [, byCol]) => s + Object.values(byCol).reduce((a, b) => a + b, 0), 0);
    return {
      activeKeyId: active,
      configuredKeyIds: configured,
      envelopes,
      removableKeyIds: configured.filter((k) => k !== active && !envelopes[k]),
      missingKeyIds: Object.keys(envelopes).filter((k) => !configured.includes(k)),
      notActive,
      plaintext: {
        candidates: await this.count(`SELECT count(*) AS n FROM candidates WHERE name IS NOT NULL OR email IS NOT NULL`),
        resumes: await this.count(`SELECT count(*) AS n FROM resumes WHERE text IS NOT NULL`),
        alertSubscriptions: await this.count(`SELECT count(*) AS n FROM alert_subscriptions WHERE email IS NOT NULL`),
        alertSuppressions: await this.count(`SELECT count(*) AS n FROM alert_suppressions WHERE email IS NOT NULL`),
      },
    };
  }

  /**
   * Moves legacy plaintext into envelopes: candidate name and email, resume text (and keys the resume content hash),
   * alert subscription addresses (with their blind index) and suppression-list addresses (keyed by blind index from
   * then on); idempotent.
   */
  async encryptExisting(progress?: PiiProgress): Promise<PiiRowCounts> {
    const pii = this.pii;
    const all = totalRows((await this.status()).plaintext);
    let done = 0;
    const tick = (n: number) => progress?.((done += n), all);
    const candidates = await this.inBatches<{ id: string; source: string; external_id: string; name: string | null; email: string | null }>(`SELECT id::text AS id, source, external_id, name, email FROM candidates WHERE (name IS NOT NULL OR email IS NOT NULL) AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      const u = rows.map((r) => ({ ...r, name_enc: pii.encrypt(r.name, piiContext.candidateName(r.source, r.external_id)), email_enc: pii.encrypt(r.email, piiContext.candidateEmail(r.source, r.external_id)) }));
      return this.changed(
        `UPDATE candidates c SET name_enc = u.ne, email_enc = u.ee, email_index = u.ei, pii_digest = u.pd, name = NULL, email = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, ne, ee, ei, pd, name, email)
          WHERE c.id = u.id AND c.name IS NOT DISTINCT FROM u.name AND c.email IS NOT DISTINCT FROM u.email`,
        [u.map((r) => r.id), u.map((r) => r.name_enc), u.map((r) => r.email_enc), u.map((r) => pii.emailIndex(r.email)), u.map((r) => pii.profileDigest(r.name, r.email)), u.map((r) => r.name), u.map((r) => r.email)],
      );
    }, tick);
    const resumes = await this.inBatches<{ id: string; source: string; external_id: string; text: string }>(`SELECT id::text AS id, source, external_id, text FROM resumes WHERE text IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      return this.changed(
        `UPDATE resumes r SET text_enc = u.te, content_hash = u.h, text = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, te, h, text) WHERE r.id = u.id AND r.text = u.text`,
        [rows.map((r) => r.id), rows.map((r) => pii.encrypt(r.text, piiContext.resumeText(r.source, r.external_id))), rows.map((r) => pii.contentHash(sha1(normalizeText(r.text)))), rows.map((r) => r.text)],
      );
    }, tick);
    const alertSubscriptions = await this.inBatches<{ id: string; email: string }>(`SELECT id::text AS id, email FROM alert_subscriptions WHERE email IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      return this.changed(
        `UPDATE alert_subscriptions s SET email_enc = u.ee, email_index = u.ei, email = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, ee, ei, email) WHERE s.id = u.id AND s.email = u.email`,
        [rows.map((r) => r.id), rows.map((r) => pii.encrypt(r.email, piiContext.subscriptionEmail(r.id))), rows.map((r) => pii.emailIndex(r.email)), rows.map((r) => r.email)],
      );
    }, tick);
    const alertSuppressions = await this.inBatches<{ id: string; email: string }>(`SELECT id::text AS id, email FROM alert_suppressions WHERE email IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      const u = rows.map((r) => {
        const address = r.email.trim().toLowerCase();
        const index = pii.emailIndex(address)!;
        return { id: r.id, email: r.email, index, enc: pii.encrypt(address, piiContext.suppressionEmail(index))! };
      });
      // An address already suppressed under its index (a newer entry): the legacy duplicate goes.
      const removed = await this.changed(
        `DELETE FROM alert_suppressions x USING unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, ei, email)
          WHERE x.id = u.id AND x.email = u.email AND EXISTS (SELECT 1 FROM alert_suppressions y WHERE y.email_index = u.ei)`,
        [u.map((r) => r.id), u.map((r) => r.index), u.map((r) => r.email)],
      );
      return removed + (await this.changed(
        `UPDATE alert_suppressions x SET email_enc = u.ee, email_index = u.ei, email = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, ee, ei, email) WHERE x.id = u.id AND x.email = u.email`,
        [u.map((r) => r.id), u.map((r) => r.enc), u.map((r) => r.index), u.map((r) => r.email)],
      ));
    }, tick);
    return { candidates, resumes, alertSubscriptions, alertSuppressions };
  }

  /** Re-wraps every envelope not under the active key (the data ciphertext is unchanged). Returns the count per column. */
  async rotate(progress?: PiiProgress): Promise<{ rewrapped: number; byColumn: Record<string, number> }> {
    const active = this.pii.activeKeyId;
    const notActive = (column: string) => `${column} IS NOT NULL AND ${column} NOT LIKE 'pii1.${active}.%'`;
    let all = 0;
    for (const { table, column } of PII_ENVELOPE_COLUMNS) all += await this.count(`SELECT count(*) AS n FROM ${table} WHERE ${notActive(column)}`);
    const byColumn: Record<string, number> = {};
    let done = 0;
    for (const { table, column } of PII_ENVELOPE_COLUMNS) {
      byColumn[`${table}.${column}`] = await this.inBatches<{ id: string; env: string }>(
        `SELECT id::text AS id, ${column} AS env FROM ${table} WHERE ${notActive(column)} AND id > $1 ORDER BY id LIMIT ${BATCH}`,
        (rows) => this.changed(
          `UPDATE ${table} t SET ${column} = u.nw FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, old, nw) WHERE t.id = u.id AND t.${column} = u.old`,
          [rows.map((r) => r.id), rows.map((r) => r.env), rows.map((r) => this.pii.ring.rewrap(r.env))],
        ),
        (rows) => progress?.((done += rows), all),
      );
    }
    return { rewrapped: Object.values(byColumn).reduce((a, b) => a + b, 0), byColumn };
  }

  /** The inverse of {@link encryptExisting}: plaintext back, envelopes and indexes cleared (before reverting PiiEncryption1764200900000). */
  async decryptExisting(progress?: PiiProgress): Promise<PiiRowCounts> {
    const pii = this.pii;
    const all = (await this.count(`SELECT count(*) AS n FROM candidates WHERE name_enc IS NOT NULL OR email_enc IS NOT NULL`)) + (await this.count(`SELECT count(*) AS n FROM resumes WHERE text_enc IS NOT NULL`))
      + (await this.count(`SELECT count(*) AS n FROM alert_subscriptions WHERE email_enc IS NOT NULL`)) + (await this.count(`SELECT count(*) AS n FROM alert_suppressions WHERE email_enc IS NOT NULL`));
    let done = 0;
    const tick = (n: number) => progress?.((done += n), all);
    const candidates = await this.inBatches<{ id: string; source: string; external_id: string; ne: string | null; ee: string | null }>(`SELECT id::text AS id, source, external_id, name_enc AS ne, email_enc AS ee FROM candidates WHERE (name_enc IS NOT NULL OR email_enc IS NOT NULL) AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      return this.changed(
        `UPDATE candidates c SET name = u.name, email = u.email, name_enc = NULL, email_enc = NULL, email_index = NULL, pii_digest = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, name, email, ne, ee)
          WHERE c.id = u.id AND c.name_enc IS NOT DISTINCT FROM u.ne AND c.email_enc IS NOT DISTINCT FROM u.ee`,
        [rows.map((r) => r.id), rows.map((r) => pii.decrypt(r.ne, piiContext.candidateName(r.source, r.external_id))), rows.map((r) => pii.decrypt(r.ee, piiContext.candidateEmail(r.source, r.external_id))), rows.map((r) => r.ne), rows.map((r) => r.ee)],
      );
    }, tick);
    const resumes = await this.inBatches<{ id: string; source: string; external_id: string; te: string }>(`SELECT id::text AS id, source, external_id, text_enc AS te FROM resumes WHERE text_enc IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      const texts = rows.map((r) => pii.decrypt(r.te, piiContext.resumeText(r.source, r.external_id))!);
      return this.changed(
        `UPDATE resumes r SET text = u.text, content_hash = u.h, text_enc = NULL FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(id, text, h, te) WHERE r.id = u.id AND r.text_enc = u.te`,
        [rows.map((r) => r.id), texts, texts.map((t) => sha1(normalizeText(t))), rows.map((r) => r.te)],
      );
    }, tick);
    const alertSubscriptions = await this.inBatches<{ id: string; ee: string }>(`SELECT id::text AS id, email_enc AS ee FROM alert_subscriptions WHERE email_enc IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      return this.changed(
        `UPDATE alert_subscriptions s SET email = u.email, email_enc = NULL, email_index = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, email, ee) WHERE s.id = u.id AND s.email_enc = u.ee`,
        [rows.map((r) => r.id), rows.map((r) => pii.decrypt(r.ee, piiContext.subscriptionEmail(r.id))), rows.map((r) => r.ee)],
      );
    }, tick);
    const alertSuppressions = await this.inBatches<{ id: string; ei: string; ee: string }>(`SELECT id::text AS id, email_index AS ei, email_enc AS ee FROM alert_suppressions WHERE email_enc IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH}`, async (rows) => {
      return this.changed(
        `UPDATE alert_suppressions x SET email = u.email, email_enc = NULL, email_index = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, email, ee) WHERE x.id = u.id AND x.email_enc = u.ee`,
        [rows.map((r) => r.id), rows.map((r) => pii.decrypt(r.ee, piiContext.suppressionEmail(r.ei))), rows.map((r) => r.ee)],
      );
    }, tick);
    return { candidates, resumes, alertSubscriptions, alertSuppressions };
  }
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
