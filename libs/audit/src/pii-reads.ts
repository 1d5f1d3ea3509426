import { recordAudit, type SqlRunner } from './audit.js';

/** Long enough for a response's async field resolvers (resumes) to join the batch. */
const FLUSH_MS = 50;

interface Reader {
  label: string;
}

/**
 * Collects the PII fields one caller reads while a GraphQL response resolves (one call per field per candidate)
 * and writes them as one `pii.read` entry per candidate (`subject candidate:<id>`, `detail.fields`) in one statement,
 * about 50 ms after the first read. Keyed by the caller's principal object, which lives for one request.
 */
export class PiiReadLog {
  private readonly pending = new WeakMap<Reader, Map<string, Set<string>>>();

  constructor(private readonly db: SqlRunner) {}

  note(reader: Reader, candidateId: string, field: string): void {
    let batch = this.pending.get(reader);
    if (!batch) {
      batch = new Map();
      this.pending.set(reader, batch);
      const b = batch;
      setTimeout(() => {
        this.pending.delete(reader);
        void recordAudit(this.db, ...[...b].map(([id, fields]) => ({ actor: reader.label, action: 'pii.read' as const, subject: `candidate:${id}`, detail: { fields: [...fields].sort() } }))).catch(() => undefined);
      }, FLUSH_MS);
    }
    let fields = batch.get(candidateId);
    if (!fields) batch.set(candidateId, (fields = new Set()));
    fields.add(field);
  }
}
