import { HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlertError } from '@app/alerts';
import { AuthError } from '@app/auth';
import { ConnectorError } from '@app/connectors';
import { IngestError } from '@app/ingest';
import { EvaluationError } from '@app/evaluation';
import { ExperimentError } from '@app/experiments';
import { FairnessError } from '@app/fairness';
import { FeatureError } from '@app/features';
import { MarketError } from '@app/market';
import { PiiError } from '@app/pii';
import { PrivacyError } from '@app/privacy';
import { RankingError } from '@app/ranking';
import { RecsysError } from '@app/recsys';
import { RegistryError } from '@app/registry';
import { RetrainError } from '@app/retraining';
import { SimulatorError } from '@app/simulator';
import { StatisticsError } from '@app/statistics';
import { TrainingError } from '@app/training';
import { WebhookError } from '@app/webhooks';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { LIMIT_CODES } from './security/graphql-limits.js';

/**
 * The one place where domain errors become GraphQL error codes. Resolvers never catch and re-wrap:
 * each domain throws its own typed error and this table decides what the client sees.
 */
const DOMAIN_CODE_TO_GRAPHQL: Record<string, string> = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'BAD_USER_INPUT',
  VALIDATION_FAILED: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  GATE_REFUSED: 'FAILED_PRECONDITION',
  ARCHIVED: 'FAILED_PRECONDITION',
  CORRUPT_ARTIFACT: 'INTERNAL_SERVER_ERROR',
  UNKNOWN_STRATEGY: 'BAD_USER_INPUT',
  INVALID_PARAMS: 'BAD_USER_INPUT',
  EMPTY_TRAINING_SET: 'FAILED_PRECONDITION',
  EMPTY_TEST_SET: 'FAILED_PRECONDITION',
  LEAKAGE: 'BAD_USER_INPUT',
  INCOMPARABLE: 'BAD_USER_INPUT',
  NOT_COMPLETED: 'FAILED_PRECONDITION',
  // recsys: a model that cannot serve the request (candidate outside the model, strategy unable to use the data)
  UNKNOWN_CANDIDATE: 'NOT_FOUND',
  UNSUPPORTED: 'FAILED_PRECONDITION',
  ARTIFACT_CORRUPT: 'INTERNAL_SERVER_ERROR',
  ARTIFACT_VERSION_MISMATCH: 'INTERNAL_SERVER_ERROR',
  ARTIFACT_STRATEGY_MISMATCH: 'INTERNAL_SERVER_ERROR',
  // features: bad definitions, unknown features, type mismatches and rows without timestamps name the field
  UNKNOWN_FEATURE: 'BAD_USER_INPUT',
  INVALID_DEFINITION: 'BAD_USER_INPUT',
  DUPLICATE_DEFINITION: 'CONFLICT',
  TYPE_MISMATCH: 'BAD_USER_INPUT',
  MISSING_TIMESTAMP: 'BAD_USER_INPUT',
  NO_STATISTICS: 'FAILED_PRECONDITION',
  MATERIALIZATION_FAILED: 'INTERNAL_SERVER_ERROR',
  COMPUTE_FAILED: 'INTERNAL_SERVER_ERROR',
  // experiments: allocation and lifecycle mistakes name the rule broken
  WEIGHTS_NOT_SUMMING_TO_ONE: 'BAD_USER_INPUT',
  NAMESPACE_OVERLAP: 'CONFLICT',
  RESHUFFLE_REQUIRES_NEW_PHASE: 'FAILED_PRECONDITION',
  UNKNOWN_METRIC: 'BAD_USER_INPUT',
  UNKNOWN_RANKING: 'NOT_FOUND',
  INVALID_TRANSITION: 'FAILED_PRECONDITION',
  EXPLORATION_FLOOR_REQUIRED: 'BAD_USER_INPUT',
  INVALID_EXPLORATION_FLOOR: 'BAD_USER_INPUT',
  // alerts: subscription input and link tokens
  INVALID_EMAIL: 'BAD_USER_INPUT',
  INVALID_WEBHOOK_URL: 'BAD_USER_INPUT',
  PRIVATE_ADDRESS: 'BAD_USER_INPUT',
  UNKNOWN_TIME_ZONE: 'BAD_USER_INPUT',
  INVALID_SEND_HOUR: 'BAD_USER_INPUT',
  INVALID_TOKEN: 'BAD_USER_INPUT',
  NOT_REPLAYABLE: 'FAILED_PRECONDITION',
  // statistics: too few units for the requested statistic
  INSUFFICIENT_DATA: 'FAILED_PRECONDITION',
  IDEMPOTENCY_KEY_REUSED: 'UNPROCESSABLE_ENTITY',
  // ranking pipeline configs (UNKNOWN_FEATURE, UNKNOWN_RANKING above)
  UNKNOWN_STAGE: 'BAD_USER_INPUT',
  UNKNOWN_SOURCE: 'BAD_USER_INPUT',
  WEIGHT_OUT_OF_RANGE: 'BAD_USER_INPUT',
  UNKNOWN_PIPELINE: 'NOT_FOUND',
  // retraining: a model without a policy; a run's failed step (recorded on the run)
  NO_POLICY: 'FAILED_PRECONDITION',
  TRAINING_FAILED: 'INTERNAL_SERVER_ERROR',
  EVALUATION_FAILED: 'INTERNAL_SERVER_ERROR',
  GATE_FAILED: 'INTERNAL_SERVER_ERROR',
  // fairness: a protected attribute offered without the candidate's consent
  CONSENT_REQUIRED: 'FAILED_PRECONDITION',
  // privacy / pii: an envelope whose key is not in PII_KEYS, or that does not decrypt (wrong key, tampered)
  UNKNOWN_KEY: 'FAILED_PRECONDITION',
  DECRYPT_FAILED: 'INTERNAL_SERVER_ERROR',
  // connectors: a source URL refused by the SSRF guard, a source that could not be fetched or is over the size limit
  BLOCKED_URL: 'BAD_USER_INPUT',
  FETCH_FAILED: 'FAILED_PRECONDITION',
  TOO_LARGE: 'BAD_USER_INPUT',
};

type DomainError = Error & { code: string; details?: unknown };
const domainErrorClasses: Array<new (...args: never[]) => DomainError> = [AuthError, MarketError, RegistryError, IngestError, EvaluationError, TrainingError, WebhookError, RecsysError, SimulatorError, FeatureError, AlertError, ExperimentError, StatisticsError, RankingError, RetrainError, FairnessError, PrivacyError, PiiError, ConnectorError];

/** Lets later domains register their error class without this file importing every lib twice. */
export function registerDomainError(cls: new (...args: never[]) => DomainError): void {
  if (!domainErrorClasses.includes(cls)) domainErrorClasses.push(cls);
}

export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (domainErrorClasses.some((cls) => original instanceof cls)) {
    const e = original as DomainError;
    return {
      ...base,
      message: e.message,
      extensions: { code: DOMAIN_CODE_TO_GRAPHQL[e.code] ?? 'BAD_REQUEST', reason: e.code, ...(e.details ? { details: e.details } : {}) },
    };
  }
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const body = original.getResponse() as { message?: string | string[] };
    const message = Array.isArray(body?.message) ? body.message.join('; ') : (body?.message ?? original.message);
    const code = status === 400 ? 'BAD_USER_INPUT' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return { ...base, message, extensions: { code } };
  }
  // Request-shape limits (depth, complexity) keep their own typed code and figures; Apollo wraps validation errors.
  const limitCode = (original as { extensions?: Record<string, unknown> })?.extensions?.['code'];
  if (original instanceof GraphQLError && typeof limitCode === 'string' && ((LIMIT_CODES as readonly string[]).includes(limitCode) || original.extensions['reason'] === 'PAGE_SIZE_CAP')) {
    const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
    return { ...base, message: original.message, extensions };
  }
  // graphql-js stops coercing variables after 50 errors with an error Apollo does not classify: still the caller's input.
  if (original instanceof GraphQLError && !original.originalError && original.message.startsWith('Too many errors processing variables')) {
    return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const db = databaseInputError(original);
  if (db) return { ...base, message: db.message, extensions: { code: db.code, reason: db.reason } };
  const code = formatted.extensions?.['code'];
  // Parse and validation errors of the query itself are safe to show; anything else is hidden.
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return { ...base, extensions: { code } };
  // Unknown errors (a database error, a bug): the client sees a correlation id, never the message, SQL or a stack;
  // the log has the whole error under the same id.
  const correlationId = randomUUID();
  internalErrorLogger(correlationId, original);
  return { ...base, message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId } };
}

/**
 * Database errors that only bad input can cause (SQLSTATE class 22 "data exception": value too long, number out of range,
 * malformed text for its type, NUL in a string; class 23 constraint violations) become typed input errors. The message is
 * generic: never the SQL, the table or the driver's text.
 */
function databaseInputError(err: unknown): { code: string; reason: string; message: string } | undefined {
  const e = err as { name?: string; code?: unknown; driverError?: { code?: unknown }; severity?: unknown };
  const sqlstate = typeof e?.driverError?.code === 'string' ? e.driverError.code : e?.name === 'QueryFailedError' || e?.severity !== undefined ? e?.code : undefined;
  if (typeof sqlstate !== 'string' || !/^[0-9A-Z]{5}$/.test(sqlstate)) return undefined;
  if (sqlstate.startsWith('22')) return { code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', message: 'a value is malformed, too long or out of range for what it is stored as' };
  if (sqlstate === '23505') return { code: 'CONFLICT', reason: 'CONFLICT', message: 'a record with the same identifying values exists' };
  if (sqlstate === '23503') return { code: 'BAD_USER_INPUT', reason: 'REFERENCE_NOT_FOUND', message: 'the input refers to a record that does not exist' };
  if (sqlstate === '23502' || sqlstate === '23514') return { code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', message: 'a value is missing or outside the allowed range' };
  return undefined;
}

const nestLogger = new Logger('GraphQL');
let internalErrorLogger: (correlationId: string, error: unknown) => void = (correlationId, error) =>
  nestLogger.error(`internal error ${correlationId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

/** Where internal errors are logged with their correlation id (tests capture it). */
export function onInternalError(log: (correlationId: string, error: unknown) => void): void {
  internalErrorLogger = log;
}
