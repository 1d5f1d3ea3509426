/**
 * The audit log of sensitive actions (table `audit_log`): promotions and rollbacks, candidate erasures and exports,
 * API key creation and revocation, user creation (a role grant), PII reads. Plain functions over anything that runs
 * SQL (a DataSource, an EntityManager inside the caller's transaction, a QueryRunner), so every domain can record
 * without a Nest dependency, in the same transaction as the action it records.
 *
 * Entries never carry personal data: subjects are identifiers (`candidate:<id>`, `model:<name>/<alias>`,
 * `api_key:<prefix>`), details are counts, versions, reasons. An erasure pseudonymises the entries about the erased
 * candidate (see libs/privacy).
 */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export const AUDIT_ACTIONS = [
  'model.promote',
  'model.rollback',
  'candidate.delete',
  'candidate.export',
  'api_key.create',
  'api_key.revoke',
  'user.create',
  'pii.read',
  'pii.rotate_keys',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  subject: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: string;
  at: Date;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  subject?: string;
  since?: Date;
  until?: Date;
  offset?: number;
  limit?: number;
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** Appends entries (one statement). */
export async function recordAudit(db: SqlRunner, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO audit_log (actor, action, subject, detail) SELECT a, b, c, d::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(a, b, c, d)`,
    [entries.map((e) => clip(e.actor || 'unknown', 320)), entries.map((e) => e.action), entries.map((e) => clip(e.subject, 200)), entries.map((e) => JSON.stringify(e.detail ?? {}))],
  );
}

/** Newest first; `totalCount` counts every match. */
export async function queryAudit(db: SqlRunner, f: AuditFilter): Promise<{ items: AuditRecord[]; totalCount: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.action) add('action = ?', f.action);
  if (f.actor) add('actor = ?', f.actor);
  if (f.subject) add('subject = ?', f.subject);
  if (f.since) add('at >= ?', f.since);
  if (f.until) add('at < ?', f.until);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
  const offset = Math.max(f.offset ?? 0, 0);
  const rows = (await db.query(
    `SELECT id::text AS id, actor, action, subject, detail, at, count(*) OVER ()::int AS total FROM audit_log ${w} ORDER BY at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
    params,
  )) as Array<AuditRecord & { total: number }>;
  const totalCount = rows[0]?.total ?? (offset > 0 ? ((await db.query(`SELECT count(*)::int AS n FROM audit_log ${w}`, params)) as Array<{ n: number }>)[0]!.n : 0);
  return { items: rows.map(({ total: _t, ...r }) => r), totalCount };
}
