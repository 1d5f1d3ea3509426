import type { DataProvider, GetListResult, Identifier, RaRecord } from 'react-admin';
import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest } from '../api/graphql-client.js';
import {
  buildCountsOperation,
  buildListOperation,
  buildManyOperation,
  buildOneOperation,
  CREATABLE,
  LOCAL_RESOURCES,
  localRows,
  pageLocally,
  resourceDefinition,
  type RaFilter,
} from './resources.js';

/** react-admin's DataProvider over our GraphQL API, plus `countMany` for dashboards. */
export interface MatchlabDataProvider extends DataProvider {
  /** One totalCount per filter, in order, from a single request. */
  countMany(resource: string, filters: ReadonlyArray<RaFilter>): Promise<number[]>;
  /** Any other query or mutation (comparisons, promotion, alias history), with the same errors as the rest. */
  query: GraphqlRequest;
}

interface Page {
  page: { totalCount: number; items?: RaRecord[] };
}

const readOnly = (resource: string, action: string) =>
  Promise.reject(new ApiError(`The console cannot ${action} ${resource} yet.`, 405, 'NOT_SUPPORTED'));

export function createDataProvider(request: GraphqlRequest): MatchlabDataProvider {
  const getList = async (resource: string, params: Parameters<DataProvider['getList']>[1]): Promise<GetListResult> => {
    const local = LOCAL_RESOURCES[resource];
    if (local) {
      const { rows } = await request<{ rows: RaRecord[] | { items: RaRecord[] } }>(local.all);
      return pageLocally(localRows(rows), local, params);
    }
    const def = resourceDefinition(resource);
    const countOnly = params.meta?.countOnly === true;
    const op = buildListOperation(def, params, { countOnly });
    const { page } = await request<Page>(op.query, op.variables);
    return { data: page.items ?? [], total: page.totalCount };
  };

  const provider: MatchlabDataProvider = {
    getList: getList as DataProvider['getList'],

    getOne: (async (resource, params) => {
      const local = LOCAL_RESOURCES[resource];
      if (local) {
        const answer = await request<{ item?: RaRecord; rows?: RaRecord[] }>(local.one, { id: String(params.id) });
        const item = local.oneFromRows ? answer.rows?.find((r) => String(r.id) === String(params.id)) : answer.item;
        if (!item) throw new ApiError(`${resource} ${params.id} not found`, 404, 'NOT_FOUND');
        return { data: item };
      }
      const op = buildOneOperation(resourceDefinition(resource), params.id);
      const { item } = await request<{ item: RaRecord }>(op.query, op.variables);
      return { data: item };
    }) as DataProvider['getOne'],

    getMany: (async (resource, params) => {
      if (params.ids.length === 0) return { data: [] };
      if (LOCAL_RESOURCES[resource]) {
        const { data } = await getList(resource, { pagination: { page: 1, perPage: 10_000 }, sort: { field: 'id', order: 'ASC' }, filter: {} });
        const wanted = new Set(params.ids.map(String));
        return { data: data.filter((r) => wanted.has(String(r.id))) };
      }
      const op = buildManyOperation(resourceDefinition(resource), params.ids);
      try {
        const data = await request<Record<string, RaRecord | null>>(op.query, op.variables);
        return { data: Object.values(data).filter((r): r is RaRecord => r != null) };
      } catch (e) {
        // One missing reference should not blank the others: fetch them one by one and keep what exists.
        if (!(e instanceof ApiError) || e.code !== 'NOT_FOUND') throw e;
        const settled = await Promise.allSettled(params.ids.map((id: Identifier) => provider.getOne(resource, { id })));
        return { data: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.data] : [])) };
      }
    }) as DataProvider['getMany'],

    getManyReference: ((resource, params) =>
      getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } })) as DataProvider['getManyReference'],

    create: (async (resource, params) => {
      const def = CREATABLE[resource];
      if (!def) return readOnly(resource, 'create');
      try {
        const { item } = await request<{ item: RaRecord }>(def.mutation, { input: def.toInput(params.data as Record<string, unknown>) });
        return { data: item };
      } catch (e) {
        // react-admin reads `body.errors` as per-field form errors ({ field: message }); the GraphQL error list is not
        // that, and would leave the form invalid after a fix. The message goes to the notification instead.
        if (e instanceof ApiError) throw new ApiError(e.message, e.status, e.code, { details: e.body?.details });
        throw e;
      }
    }) as DataProvider['create'],
    update: (resource) => readOnly(resource, 'edit'),
    updateMany: (resource) => readOnly(resource, 'edit'),
    delete: (resource) => readOnly(resource, 'delete'),
    deleteMany: (resource) => readOnly(resource, 'delete'),

    query: request,

    async countMany(resource, filters) {
      if (filters.length === 0) return [];
      const op = buildCountsOperation(resourceDefinition(resource), filters);
      const data = await request<Record<string, { totalCount: number }>>(op.query, op.variables);
      return filters.map((_, i) => data[`c${i}`]?.totalCount ?? 0);
    },
  };
  return provider;
}
