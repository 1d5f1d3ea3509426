import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { fitRecommender, loadRecommender, RecsysError } from '@app/recsys';
import { SimulatorError } from '@app/simulator';
import { formatGraphqlError, onInternalError } from './graphql-errors.js';

/** What Apollo hands the formatter: the resolver's error wrapped in a GraphQLError. */
const format = (err: Error) => formatGraphqlError({ message: err.message, path: ['recommend'] }, new GraphQLError(err.message, { originalError: err, path: ['recommend'] }));

const caught = async (p: Promise<unknown>): Promise<Error> => {
  try { await p; } catch (err) { return err as Error; }
  throw new Error('expected a rejection');
};

const snapshot = {
  numCandidates: 2, numJobs: 3,
  interactions: { candidate: Int32Array.of(0, 1), job: Int32Array.of(0, 2), weight: Float32Array.of(1, 1), time: Float64Array.of(1, 2) },
};

describe('formatGraphqlError: recsys and simulator errors', () => {
  it('bad hyperparameters keep their code, message and field', async () => {
    const err = await caught(fitRecommender('als', snapshot, { factors: -1 }));
    expect(err).toBeInstanceOf(RecsysError);
    expect(format(err)).toEqual({
      message: expect.stringContaining('invalid parameter factors'), path: ['recommend'], locations: undefined,
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_PARAMS', details: { field: 'factors' } },
    });
  });

  it('unknown strategy, unknown candidate, corrupt artifact and unsupported data map to their GraphQL codes', async () => {
    expect(format(await caught(fitRecommender('deep-magic', snapshot))).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STRATEGY', details: { strategy: 'deep-magic' } });
    const model = await fitRecommender('popularity', snapshot);
    const unknown = (() => { try { model.recommend(7, 3); } catch (e) { return e as Error; } throw new Error('expected a throw'); })();
    expect(format(unknown).extensions).toEqual({ code: 'NOT_FOUND', reason: 'UNKNOWN_CANDIDATE' });
    const buf = model.serialize();
    buf[buf.length - 1]! ^= 0xff;
    const corrupt = format(await caught(loadRecommender(buf, 'popularity')));
    expect(corrupt.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', reason: 'ARTIFACT_CORRUPT' });
    expect(corrupt.message).not.toBe('internal error');
    expect(format(await caught(fitRecommender('content', snapshot))).extensions).toEqual({ code: 'FAILED_PRECONDITION', reason: 'UNSUPPORTED' });
  });

  it('simulator errors', () => {
    expect(format(new SimulatorError('CONFLICT', 'seed 1 exists with other sizes')).extensions).toEqual({ code: 'CONFLICT', reason: 'CONFLICT' });
    expect(format(new SimulatorError('INVALID_INPUT', 'candidates must be ≥ 1')).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
  });

  it('an unregistered error stays hidden', () => {
    expect(format(new Error('select * from secrets'))).toMatchObject({ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('an unknown error gets a correlation id that the log carries with the whole error, and the client sees neither SQL nor stack', () => {
    const logged: Array<[string, unknown]> = [];
    onInternalError((id, err) => logged.push([id, err]));
    const err = new Error('relation "secret_table" does not exist: SELECT password FROM secret_table');
    const out = format(err);
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.stringify(out)).not.toMatch(/SELECT|secret_table|at .*\.ts/);
    expect(logged).toEqual([[out.extensions!['correlationId'], err]]);
    expect(format(err).extensions!['correlationId']).not.toBe(out.extensions!['correlationId']);
  });

  it('request-shape limit errors keep their typed code and figures, without the HTTP status hint', () => {
    const limit = new GraphQLError('operation costs 5000 points', { extensions: { code: 'QUERY_TOO_COMPLEX', complexity: 5000, maxComplexity: 2000, http: { status: 400 } } });
    const wrapped = new GraphQLError(limit.message, { originalError: limit, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(formatGraphqlError({ message: limit.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, wrapped).extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', complexity: 5000, maxComplexity: 2000 });
  });
});
