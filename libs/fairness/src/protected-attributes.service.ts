import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FairnessError } from './fairness.errors.js';
import { ATTRIBUTE_VALUE_PATTERN, COLLECTABLE_ATTRIBUTES, isCollectable } from './protected-attributes.js';

export interface ProtectedAttributeRecord {
  candidateId: string;
  attribute: string;
  value: string;
  /** When the candidate explicitly consented to giving this attribute for fairness audits. Required. */
  consentAt?: Date | string | null;
}

/** Most records one call accepts (an import sends batches). */
export const MAX_RECORDS_PER_CALL = 5000;

/**
 * The only write path of `candidate_protected_attributes`: every record must carry the candidate's consent time
 * (a record without one is refused with CONSENT_REQUIRED and nothing of the batch is stored). Nothing here reads the
 * values back one candidate at a time; the audit reads them in aggregate.
 */
@Injectable()
export class ProtectedAttributesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Validates every record first, then upserts them all in one transaction; returns how many were stored. */
  async record(records: readonly ProtectedAttributeRecord[], now = new Date()): Promise<number> {
    if (!Array.isArray(records) || records.length === 0) throw new FairnessError('INVALID_INPUT', 'no records given');
    if (records.length > MAX_RECORDS_PER_CALL) throw new FairnessError('INVALID_INPUT', `at most ${MAX_RECORDS_PER_CALL} records per call, got ${records.length}`);
    const rows = records.map((r, i) => {
      const where = `record ${i + 1}`;
      if (!r || typeof r.candidateId !== 'string' || !/^\d{1,18}$/.test(r.candidateId)) throw new FairnessError('INVALID_INPUT', `${where}: candidateId must be a numeric id`, { index: i, field: 'candidateId' });
      if (!isCollectable(r.attribute)) throw new FairnessError('INVALID_INPUT', `${where}: attribute must be one of ${COLLECTABLE_ATTRIBUTES.join(', ')}`, { index: i, field: 'attribute' });
      if (typeof r.value !== 'string' || !ATTRIBUTE_VALUE_PATTERN.test(r.value)) throw new FairnessError('INVALID_INPUT', `${where}: value must be 1–60 letters, digits, spaces, _ + or -`, { index: i, field: 'value' });
      const consent = r.consentAt === null || r.consentAt === undefined || r.consentAt === '' ? null : new Date(r.consentAt);
      if (!consent) throw new FairnessError('CONSENT_REQUIRED', `${where}: candidate ${r.candidateId} has not consented to storing "${r.attribute}" (consentAt missing); nothing was stored`, { index: i, candidateId: r.candidateId });
      if (Number.isNaN(consent.getTime())) throw new FairnessError('INVALID_INPUT', `${where}: consentAt is not a valid date`, { index: i, field: 'consentAt' });
      if (consent.getTime() > now.getTime() + 60_000) throw new FairnessError('CONSENT_REQUIRED', `${where}: consentAt lies in the future; consent must have been given already`, { index: i, candidateId: r.candidateId });
      return [r.candidateId, r.attribute, r.value.trim(), consent.toISOString()] as const;
    });
    const ids = [...new Set(rows.map((r) => r[0]))];
    return this.db.transaction(async (m) => {
      const known: Array<{ id: string }> = await m.query(`SELECT id::text AS id FROM candidates WHERE id = ANY($1::bigint[])`, [ids]);
      const knownIds = new Set(known.map((k) => k.id));
      const missing = ids.filter((id) => !knownIds.has(id));
      if (missing.length) throw new FairnessError('NOT_FOUND', `unknown candidate${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}; nothing was stored`, { candidateIds: missing.slice(0, 10) });
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        await m.query(
          `INSERT INTO candidate_protected_attributes (candidate_id, attribute, value, consent_at)
           SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::timestamptz[])
           ON CONFLICT (candidate_id, attribute) DO UPDATE SET value = EXCLUDED.value, consent_at = EXCLUDED.consent_at, recorded_at = now()`,
          [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => r[2]), chunk.map((r) => r[3])],
        );
      }
      return rows.length;
    });
  }

  /** Consent withdrawn: deletes the candidate's protected attributes (one, or all); returns how many rows went. */
  async withdraw(candidateId: string, attribute?: string | null): Promise<number> {
    if (!/^\d{1,18}$/.test(candidateId)) throw new FairnessError('INVALID_INPUT', 'candidateId must be a numeric id', { field: 'candidateId' });
    if (attribute && !isCollectable(attribute)) throw new FairnessError('INVALID_INPUT', `attribute must be one of ${COLLECTABLE_ATTRIBUTES.join(', ')}`, { field: 'attribute' });
    const r: [unknown, number] = await this.db.query(`DELETE FROM candidate_protected_attributes WHERE candidate_id = $1 AND ($2::varchar IS NULL OR attribute = $2)`, [candidateId, attribute ?? null]);
    return Number(r[1] ?? 0);
  }

  /** Candidates per attribute value (aggregate only): what an audit of the attribute will see. */
  async coverage(attribute: string): Promise<Array<{ value: string; candidates: number }>> {
    if (!isCollectable(attribute)) throw new FairnessError('INVALID_INPUT', `attribute must be one of ${COLLECTABLE_ATTRIBUTES.join(', ')}`, { field: 'attribute' });
    const rows: Array<{ value: string; n: string }> = await this.db.query(`SELECT value, count(*) AS n FROM candidate_protected_attributes WHERE attribute = $1 GROUP BY value ORDER BY value`, [attribute]);
    return rows.map((r) => ({ value: r.value, candidates: Number(r.n) }));
  }
}
