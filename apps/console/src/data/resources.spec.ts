import { describe, expect, it } from '@jest/globals';
import { buildCountsOperation, buildListOperation, buildManyOperation, buildOneOperation, CREATABLE, LOCAL_RESOURCES, localRows, pageLocally, resourceDefinition, RESOURCES } from './resources.js';

const jobs = RESOURCES['jobs']!;
const interactions = RESOURCES['interactions']!;

describe('jobs list mapping', () => {
  it('maps page/perPage to offset/limit, the sort column to the JobSort enum and the filters to JobFilter', () => {
    const op = buildListOperation(jobs, {
      pagination: { page: 3, perPage: 25 },
      sort: { field: 'salary.annualMax', order: 'ASC' },
      filter: { q: '  data engineer ', country: 'de', remote: 'true', seniority: 'senior', status: ['active', 'expired'], minAnnualSalary: '50000' },
    });
    expect(op.variables).toEqual({
      offset: 50,
      limit: 25,
      sort: { field: 'SALARY', direction: 'ASC' },
      filter: { search: 'data engineer', country: 'DE', remote: true, seniority: ['senior'], status: ['active', 'expired'], minAnnualSalary: 50000 },
    });
    expect(op.query).toContain('page: jobs(filter: $filter, sort: $sort, offset: $offset, limit: $limit) { totalCount items {');
    expect(op.query).toContain('$filter: JobFilter, $sort: JobSort, $offset: Int, $limit: Int');
  });

  it('sends no filter for blank inputs, and keeps the API default order for a column it cannot sort by', () => {
    const op = buildListOperation(jobs, { pagination: { page: 1, perPage: 10 }, sort: { field: 'company.name', order: 'DESC' }, filter: { q: ' ', seniority: [], remote: null } });
    expect(op.variables).toEqual({ filter: null, sort: null, offset: 0, limit: 10 });
  });

  it('maps every sortable job column', () => {
    const sortOf = (field: string) => buildListOperation(jobs, { sort: { field, order: 'DESC' } }).variables['sort'];
    expect(['id', 'postedAt', 'title', 'salary.annualMax'].map(sortOf)).toEqual([
      { field: 'ID', direction: 'DESC' },
      { field: 'POSTED_AT', direction: 'DESC' },
      { field: 'TITLE', direction: 'DESC' },
      { field: 'SALARY', direction: 'DESC' },
    ]);
  });

  it('caps the page size at the API limit of 500 and asks only for totalCount when counting', () => {
    expect(buildListOperation(jobs, { pagination: { page: 2, perPage: 1000 } }).variables).toMatchObject({ offset: 500, limit: 500 });
    const count = buildListOperation(jobs, { pagination: { page: 4, perPage: 25 } }, { countOnly: true });
    expect(count.variables).toMatchObject({ offset: 0, limit: 1 });
    expect(count.query).toContain('{ totalCount }');
    expect(count.query).not.toContain('items');
  });
});

describe('interactions list mapping', () => {
  it('sorts by occurredAt through the direction argument and maps types and dates', () => {
    const op = buildListOperation(interactions, {
      sort: { field: 'occurredAt', order: 'ASC' },
      filter: { types: ['click', 'apply'], jobId: 12, from: '2026-01-02' },
    });
    expect(op.variables).toMatchObject({
      direction: 'ASC',
      filter: { types: ['click', 'apply'], jobId: '12', from: '2026-01-02T00:00:00.000Z' },
    });
    expect(op.query).toContain('interactions(filter: $filter, direction: $direction, offset: $offset, limit: $limit)');
    expect(buildListOperation(interactions, { sort: { field: 'type', order: 'ASC' } }).variables['direction']).toBeNull();
  });
});

describe('single and batched reads', () => {
  it('reads one item with the show selection', () => {
    const op = buildOneOperation(jobs, 7);
    expect(op.variables).toEqual({ id: '7' });
    expect(op.query).toMatch(/item: job\(id: \$id\) \{ .*description/s);
  });

  it('reads many ids in one request with one alias per distinct id', () => {
    const op = buildManyOperation(jobs, [3, '4', 3]);
    expect(op.variables).toEqual({ id0: '3', id1: '4' });
    expect(op.query).toContain('i0: job(id: $id0)');
    expect(op.query).toContain('i1: job(id: $id1)');
  });

  it('counts several filters in one request', () => {
    const op = buildCountsOperation(jobs, [{}, { status: 'active' }]);
    expect(op.variables).toEqual({ f0: null, f1: { status: ['active'] } });
    expect(op.query).toContain('c1: jobs(filter: $f1, limit: 1) { totalCount }');
  });

  it('names the resource when it has no mapping', () => {
    expect(() => resourceDefinition('widgets')).toThrow('no data mapping for resource "widgets"');
  });
});

describe('evaluations and models mapping', () => {
  it('lists evaluations newest first (no sort argument) with the model/version/status filter', () => {
    const op = buildListOperation(RESOURCES['evaluations']!, { pagination: { page: 2, perPage: 10 }, sort: { field: 'createdAt', order: 'ASC' }, filter: { model: ' pop ', version: '2', status: '' } });
    expect(op.variables).toEqual({ filter: { model: 'pop', version: 2 }, offset: 10, limit: 10 });
    expect(op.query).toContain('$filter: EvaluationFilterInput, $offset: Int, $limit: Int');
    expect(op.query).toContain('page: evaluations(filter: $filter, offset: $offset, limit: $limit)');
  });

  it('pages, searches, filters and sorts models in memory, blanks last', () => {
    const rows = [
      { id: 'b-als', name: 'b-als', strategy: 'als', owner: 'ann' },
      { id: 'a-pop', name: 'a-pop', strategy: 'popularity', owner: 'bob' },
      { id: 'c-ease', name: 'c-ease', strategy: 'ease', owner: null },
    ];
    const def = LOCAL_RESOURCES['models']!;
    expect(pageLocally(rows, def, { sort: { field: 'name', order: 'ASC' } }).data.map((r) => r.id)).toEqual(['a-pop', 'b-als', 'c-ease']);
    expect(pageLocally(rows, def, { sort: { field: 'owner', order: 'DESC' } }).data.map((r) => r.id)).toEqual(['a-pop', 'b-als', 'c-ease']);
    expect(pageLocally(rows, def, { filter: { q: 'POP' } })).toEqual({ data: [rows[1]], total: 1 });
    expect(pageLocally(rows, def, { filter: { strategy: ['als', 'ease'] } }).total).toBe(2);
    expect(pageLocally(rows, def, { pagination: { page: 2, perPage: 2 }, sort: { field: 'name', order: 'ASC' } })).toEqual({ data: [rows[2]], total: 3 });
  });
});

describe('create mappings', () => {
  it('turns the training form into StartTrainingInput, leaving blanks to the API defaults', () => {
    expect(CREATABLE['trainingJobs']!.toInput({ model: ' jobs-als ', strategy: 'als', params: '{"factors": 8}', cutoff: '2026-06-08', validationFraction: '0', timeoutSeconds: '' })).toEqual({
      model: 'jobs-als',
      strategy: 'als',
      params: '{"factors": 8}',
      cutoff: '2026-06-08T00:00:00.000Z',
      validationFraction: 0,
    });
    expect(CREATABLE['trainingJobs']!.mutation).toContain('item: startTraining(input: $input)');
  });

  it('turns the evaluation form into StartEvaluationInput with k as integers and the split only when chosen', () => {
    expect(CREATABLE['evaluations']!.toInput({ modelRef: 'pop/1', k: '5, 10,20', shards: 4, split: 'leave_last_n', n: 2, cutoff: '' })).toEqual({
      modelRef: 'pop/1',
      k: [5, 10, 20],
      shards: 4,
      split: { kind: 'leave_last_n', n: 2 },
    });
    expect(CREATABLE['evaluations']!.toInput({ modelRef: 'pop@champion' })).toEqual({ modelRef: 'pop@champion' });
  });

  it('reads a local resource answer as an array or a page of items', () => {
    expect(localRows([{ id: 1 }])).toEqual([{ id: 1 }]);
    expect(localRows({ items: [{ id: 2 }] })).toEqual([{ id: 2 }]);
  });
});
