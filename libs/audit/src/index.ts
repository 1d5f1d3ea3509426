export { recordAudit, queryAudit, AUDIT_ACTIONS, type AuditAction, type AuditEntry, type AuditRecord, type AuditFilter, type SqlRunner } from './audit.js';
export { PiiReadLog } from './pii-reads.js';
