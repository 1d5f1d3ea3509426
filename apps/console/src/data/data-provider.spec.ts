import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest, Variables } from '../api/graphql-client.js';
import { createDataProvider } from './data-provider.js';

/** A request function answering from a handler, recording what the provider sent. */
function recorder(handler: (query: string, variables: Variables) => unknown) {
  const sent: Array<{ query: string; variables: Variables }> = [];
  const request: GraphqlRequest = async <T>(query: string, variables: Variables = {}) => {
    sent.push({ query, variables });
    return handler(query, variables) as T;
  };
  return { request, sent };
}

describe('data provider', () => {
  it('returns a list page as react-admin data and total', async () => {
    const { request, sent } = recorder(() => ({ page: { totalCount: 42, items: [{ id: '1', title: 'Nurse' }] } }));
    const dp = createDataProvider(request);
    const res = await dp.getList('jobs', { pagination: { page: 2, perPage: 10 }, sort: { field: 'title', order: 'ASC' }, filter: { country: 'fr' } });
    expect(res).toEqual({ data: [{ id: '1', title: 'Nurse' }], total: 42 });
    expect(sent[0]!.variables).toEqual({ filter: { country: 'FR' }, sort: { field: 'TITLE', direction: 'ASC' }, offset: 10, limit: 10 });
  });

  it('turns getManyReference into a list filtered on the target', async () => {
    const { request, sent } = recorder(() => ({ page: { totalCount: 0, items: [] } }));
    await createDataProvider(request).getManyReference('interactions', {
      target: 'jobId',
      id: 5,
      pagination: { page: 1, perPage: 10 },
      sort: { field: 'occurredAt', order: 'DESC' },
      filter: {},
    });
    expect(sent[0]!.variables).toMatchObject({ filter: { jobId: '5' }, direction: 'DESC' });
  });

  it('gets many references in one request and, when one is missing, keeps the others', async () => {
    const one = recorder(() => ({ i0: { id: '1' }, i1: { id: '2' } }));
    await expect(createDataProvider(one.request).getMany('jobs', { ids: ['1', '2'] })).resolves.toEqual({ data: [{ id: '1' }, { id: '2' }] });
    expect(one.sent).toHaveLength(1);

    const partial = recorder((query, variables) => {
      if (query.includes('ConsoleMany')) throw new ApiError('job 2 not found', 404, 'NOT_FOUND');
      if (variables['id'] === '2') throw new ApiError('job 2 not found', 404, 'NOT_FOUND');
      return { item: { id: variables['id'] } };
    });
    await expect(createDataProvider(partial.request).getMany('jobs', { ids: ['1', '2'] })).resolves.toEqual({ data: [{ id: '1' }] });
  });

  it('counts several filters in one request, in order', async () => {
    const { request, sent } = recorder(() => ({ c0: { totalCount: 10 }, c1: { totalCount: 7 } }));
    await expect(createDataProvider(request).countMany('jobs', [{}, { status: ['active'] }])).resolves.toEqual([10, 7]);
    expect(sent).toHaveLength(1);
    await expect(createDataProvider(request).countMany('jobs', [])).resolves.toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('refuses writes with a readable error and passes API errors through', async () => {
    const { request } = recorder(() => {
      throw new ApiError('Your session has ended. Please sign in again.', 401, 'UNAUTHENTICATED');
    });
    const dp = createDataProvider(request);
    await expect(dp.delete('jobs', { id: 1 })).rejects.toMatchObject({ status: 405, message: 'The console cannot delete jobs yet.' });
    await expect(dp.getList('candidates', { pagination: { page: 1, perPage: 5 }, sort: { field: 'id', order: 'ASC' }, filter: {} })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('create', () => {
  it('starts a training job and answers with the queued job', async () => {
    const calls: Array<{ query: string; variables?: Record<string, unknown> }> = [];
    const provider = createDataProvider((async (query: string, variables?: Record<string, unknown>) => {
      calls.push({ query, variables });
      return { item: { id: 'j1', status: 'queued' } };
    }) as GraphqlRequest);
    const res = await provider.create('trainingJobs', { data: { model: 'm', strategy: 'als', params: '' } });
    expect(res.data).toEqual({ id: 'j1', status: 'queued' });
    expect(calls[0]!.variables).toEqual({ input: { model: 'm', strategy: 'als' } });
  });

  it('keeps a refused start out of the form errors (react-admin reads body.errors as field errors)', async () => {
    const provider = createDataProvider((async () => {
      throw new ApiError('Invalid input: halfLifeDays must be positive', 400, 'BAD_USER_INPUT', { errors: [{ message: 'halfLifeDays must be positive' }], details: { field: 'halfLifeDays' } });
    }) as GraphqlRequest);
    const err = (await provider.create('trainingJobs', { data: { model: 'm' } }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.message, err.status, err.code, err.body]).toEqual(['Invalid input: halfLifeDays must be positive', 400, 'BAD_USER_INPUT', { details: { field: 'halfLifeDays' } }]);
  });

  it('refuses to create what the console cannot create', async () => {
    const provider = createDataProvider((async () => ({})) as GraphqlRequest);
    await expect(provider.create('jobs', { data: {} })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
