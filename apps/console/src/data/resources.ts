/**
 * How each react-admin resource maps onto the API's GraphQL queries. Pure data and functions (no React, no
 * fetch), so the mapping is unit-tested and a new resource is one more entry here.
 *
 * Every list query follows the same shape: `name(filter, sort | direction, offset, limit) { items totalCount }`,
 * and a single item is `one(id)`.
 */

export type RaSortOrder = 'ASC' | 'DESC';
export interface RaSort {
  field: string;
  order: RaSortOrder;
}
export type RaFilter = Record<string, unknown>;

export interface ResourceDefinition {
  /** List query field, e.g. `jobs`. */
  list: string;
  /** Single-item query field, e.g. `job`. */
  one: string;
  /** GraphQL input type of the list filter, e.g. `JobFilter`. */
  filterType: string;
  /** How the list is sorted: a sort input (`{ field, direction }`), a bare `direction` argument, or a fixed order. */
  sort:
    | { kind: 'input'; type: string; fields: Record<string, string> }
    | { kind: 'direction'; field: string }
    | { kind: 'none' };
  /** Selection set of a list row. */
  listFields: string;
  /** Selection set of a show page (defaults to listFields). */
  oneFields?: string;
  /** react-admin filter values → the API's filter input; undefined when nothing filters. */
  toFilter(filter: RaFilter): Record<string, unknown> | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Filter value helpers: react-admin inputs give strings, arrays, booleans, '' or null.

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

export function text(v: unknown): string | undefined {
  if (isBlank(v)) return undefined;
  return String(v).trim();
}

export function list(v: unknown): string[] | undefined {
  if (isBlank(v)) return undefined;
  const values = (Array.isArray(v) ? v : String(v).split(',')).map((x) => String(x).trim()).filter((x) => x !== '');
  return values.length ? values : undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (isBlank(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A date input's value (YYYY-MM-DD or ISO) as an ISO instant. */
export function instant(v: unknown): string | undefined {
  const s = text(v);
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Drops undefined entries; undefined when nothing is left (the API then applies no filter). */
export function compact(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

const JOB_LIST_FIELDS = `id title seniority status postedAt employmentType
  company { id name }
  location { city region country remote }
  salary { min max currency period annualMin annualMax }`;

const JOB_FIELDS = `${JOB_LIST_FIELDS} normalizedTitle description skills expiresAt source externalId canonicalJobId`;

const CANDIDATE_LIST_FIELDS = `id externalId source name email city region country desiredTitles skills yearsExperience
  educationLevel salaryExpectation createdAt`;

const CANDIDATE_FIELDS = `${CANDIDATE_LIST_FIELDS} timeZone consentAlerts consentTraining
  preferences { remote minSalary maxDistanceKm employmentTypes }
  resumes { id category parsedSkills text createdAt }`;

const EVALUATION_LIST_FIELDS = `id modelRef model version strategy mode status createdAt durationSeconds shards k error errorCode
  progress { percent phase shards shardsDone users usersDone }
  protocol { split cutoff n testRatio seed threshold excludeTraining gain }
  dataset { users fingerprint }
  metrics { name value ciLow ciHigh users }`;

const EVALUATION_FIELDS = `${EVALUATION_LIST_FIELDS} createdBy startedAt finishedAt attachedToVersion bootstrapSamples bootstrapSeed
  protocol { grades { type grade } }
  dataset { asOf interactions trainInteractions testInteractions candidates jobs catalogue versionCutoff }`;

const INTERACTION_FIELDS = 'id eventId candidateId jobId type occurredAt rankingId experimentKey variant position source';

export const ALERT_SUBSCRIPTION_FIELDS = `id candidateId channel email webhookUrl frequency sendHour sendWeekday timeZone quietStart quietEnd
  filters { keywords location remote minSalary } modelRef topK status statusReason lastSentAt nextDueAt createdAt`;

const ALERT_DELIVERY_LIST_FIELDS = `id subscriptionId candidateId channel status messageId dueAt windowStart windowEnd rankingId modelRef modelVersion
  experimentKey variant attempts lastError nextAttemptAt createdAt sentAt`;

export const RESOURCES: Record<string, ResourceDefinition> = {
  jobs: {
    list: 'jobs',
    one: 'job',
    filterType: 'JobFilter',
    sort: { kind: 'input', type: 'JobSort', fields: { id: 'ID', postedAt: 'POSTED_AT', title: 'TITLE', 'salary.annualMax': 'SALARY' } },
    listFields: JOB_LIST_FIELDS,
    oneFields: JOB_FIELDS,
    toFilter: (f) =>
      compact({
        search: text(f['q'] ?? f['search']),
        country: text(f['country'])?.toUpperCase(),
        city: text(f['city']),
        remote: bool(f['remote']),
        seniority: list(f['seniority']),
        status: list(f['status']),
        employmentType: list(f['employmentType']),
        skills: list(f['skills']),
        companyId: text(f['companyId']),
        minAnnualSalary: num(f['minAnnualSalary']),
        postedAfter: instant(f['postedAfter']),
        postedBefore: instant(f['postedBefore']),
      }),
  },
  candidates: {
    list: 'candidates',
    one: 'candidate',
    filterType: 'CandidateFilter',
    sort: { kind: 'input', type: 'CandidateSort', fields: { id: 'ID', createdAt: 'CREATED_AT', yearsExperience: 'YEARS_EXPERIENCE' } },
    listFields: CANDIDATE_LIST_FIELDS,
    oneFields: CANDIDATE_FIELDS,
    toFilter: (f) =>
      compact({
        search: text(f['q'] ?? f['search']),
        country: text(f['country'])?.toUpperCase(),
        city: text(f['city']),
        skills: list(f['skills']),
        source: text(f['source']),
      }),
  },
  interactions: {
    list: 'interactions',
    one: 'interaction',
    filterType: 'InteractionFilter',
    sort: { kind: 'direction', field: 'occurredAt' },
    listFields: INTERACTION_FIELDS,
    toFilter: (f) =>
      compact({
        candidateId: text(f['candidateId']),
        jobId: text(f['jobId']),
        experimentKey: text(f['experimentKey']),
        rankingId: text(f['rankingId']),
        types: list(f['types'] ?? f['type']),
        from: instant(f['from']),
        to: instant(f['to']),
      }),
  },
  alertSubscriptions: {
    list: 'alertSubscriptionList',
    one: 'alertSubscription',
    filterType: 'AlertSubscriptionListFilter',
    sort: { kind: 'none' }, // newest first
    listFields: ALERT_SUBSCRIPTION_FIELDS,
    toFilter: (f) =>
      compact({
        candidateId: text(f['candidateId']),
        channel: text(f['channel']),
        status: text(f['status']),
        frequency: text(f['frequency']),
      }),
  },
  alertDeliveries: {
    list: 'alertDeliveryLog',
    one: 'alertDelivery',
    filterType: 'AlertDeliveryListFilter',
    sort: { kind: 'none' }, // newest first
    listFields: ALERT_DELIVERY_LIST_FIELDS,
    oneFields: `${ALERT_DELIVERY_LIST_FIELDS} items { jobId position score title company location } attemptLog { at durationMs responseStatus error }`,
    toFilter: (f) =>
      compact({
        status: text(f['status']),
        channel: text(f['channel']),
        subscriptionId: text(f['subscriptionId']),
        candidateId: text(f['candidateId']),
        experimentKey: text(f['experimentKey']),
      }),
  },
  evaluations: {
    list: 'evaluations',
    one: 'evaluation',
    filterType: 'EvaluationFilterInput',
    sort: { kind: 'none' }, // newest first
    listFields: EVALUATION_LIST_FIELDS,
    oneFields: EVALUATION_FIELDS,
    toFilter: (f) =>
      compact({
        model: text(f['model']),
        version: num(f['version']),
        dataset: text(f['dataset']),
        status: text(f['status']),
      }),
  },
};

/**
 * Resources whose API query returns every row at once (a short list, e.g. `models`): the console filters,
 * sorts and pages them itself (`pageLocally`). The row id is the name the single-item query takes.
 */
export interface LocalResourceDefinition {
  /** Query for every row, aliased to `rows` (an array, or a page with `items`), each row with an `id`. */
  all: string;
  /** Query for one row by id, aliased to `item` (or to `rows`, a list filtered by the id, with `oneFromRows`). */
  one: string;
  oneFromRows?: boolean;
  /** Fields matched case-insensitively by the `q` filter. */
  searchFields: string[];
}

const MODEL_LIST_FIELDS = `id: name name strategy owner description createdAt aliases { alias version updatedAt }
  versions { version status createdAt metrics { name value } }`;

const MODEL_FIELDS = `id: name name strategy owner description createdAt gate aliases { alias version updatedAt }
  versions { id version status strategy params createdAt createdBy trainingSeconds codeVersion artifactSha256 aliases archivedAt
             metrics { name value } }`;

const TRAINING_JOB_FIELDS = `id kind model strategy status params createdAt createdBy startedAt finishedAt version error errorCode
  progress { percent phase iteration iterations loss trial trials }`;

const IMPORT_RUN_FIELDS = `id kind format sourceName status strict totalRows inserted updated unchanged duplicates rejected error
  startedAt finishedAt`;

const FEATURE_VIEW_FIELDS = `id: name name entity owner description
  versions { id version current createdAt fingerprint ttlSeconds eventTimeColumn features { name type description missing }
             offline { rows entities latestEventTime } online { backend generation rows materializedAt } }`;

const FEATURE_SERVICE_FIELDS = `id: name name owner description
  versions { id version current createdAt fingerprint features views { view version features }
             statistics { feature kind type count missingRate mean std min max quantiles categories computedAt }
             drift { feature psi ks ksPValue drifted recentCount recentMissingRate computedAt } }`;

const FEATURE_JOB_FIELDS = 'id kind status createdAt createdBy finishedAt error errorCode progress { percent phase done total }';

const WEBHOOK_FIELDS = 'id url description events models enabled disabledReason secretHint createdAt createdBy updatedAt';

export const EXPERIMENT_FIELDS = `id: key key type hypothesis owner unit status phase coverage primaryMetric secondaryMetrics guardrailMetrics
  plannedDays plannedSampleSize decision decisionVariant decisionNote promotedVersion createdAt startedAt stoppedAt concludedAt
  variants { key weight modelRef strategy killed }`;

export const LOCAL_RESOURCES: Record<string, LocalResourceDefinition> = {
  models: {
    all: `query ConsoleModels { rows: models { ${MODEL_LIST_FIELDS} } }`,
    one: `query ConsoleModel($id: String!) { item: model(name: $id) { ${MODEL_FIELDS} } }`,
    searchFields: ['name', 'strategy', 'owner', 'description'],
  },
  // Experiments: the API returns them all (newest first); the status filter and sorting run in the console.
  experiments: {
    all: `query ConsoleExperiments { rows: experiments { ${EXPERIMENT_FIELDS} } }`,
    one: `query ConsoleExperiment($id: String!) { item: experiment(key: $id) { ${EXPERIMENT_FIELDS} } }`,
    searchFields: ['key', 'hypothesis', 'owner', 'primaryMetric'],
  },
  // The API keeps the newest 500 jobs and import runs within reach of one request.
  trainingJobs: {
    all: `query ConsoleTrainingJobs { rows: trainingJobs(limit: 500) { ${TRAINING_JOB_FIELDS} } }`,
    one: `query ConsoleTrainingJob($id: ID!) { item: trainingJob(id: $id, logLines: 200) { ${TRAINING_JOB_FIELDS} options result logs } }`,
    searchFields: ['model', 'strategy', 'createdBy'],
  },
  imports: {
    all: `query ConsoleImports { rows: importRuns(limit: 500) { items { ${IMPORT_RUN_FIELDS} } } }`,
    one: `query ConsoleImport($id: ID!) { item: importRun(id: $id) { ${IMPORT_RUN_FIELDS} rejections { line field reason } } }`,
    searchFields: ['sourceName', 'kind', 'format'],
  },
  featureViews: {
    all: `query ConsoleFeatureViews { rows: featureViews { ${FEATURE_VIEW_FIELDS} } }`,
    one: `query ConsoleFeatureView($id: String) { rows: featureViews(name: $id) { ${FEATURE_VIEW_FIELDS} } }`,
    oneFromRows: true,
    searchFields: ['name', 'entity', 'owner', 'description'],
  },
  featureServices: {
    all: `query ConsoleFeatureServices { rows: featureServices { ${FEATURE_SERVICE_FIELDS} } }`,
    one: `query ConsoleFeatureService($id: String) { rows: featureServices(name: $id) { ${FEATURE_SERVICE_FIELDS} } }`,
    oneFromRows: true,
    searchFields: ['name', 'owner', 'description'],
  },
  featureJobs: {
    all: `query ConsoleFeatureJobs { rows: featureJobs(limit: 500) { ${FEATURE_JOB_FIELDS} } }`,
    one: `query ConsoleFeatureJob($id: ID!) { item: featureJob(id: $id, logLines: 200) { ${FEATURE_JOB_FIELDS} options result logs } }`,
    searchFields: ['kind', 'createdBy'],
  },
  webhooks: {
    all: `query ConsoleWebhooks { rows: webhooks { ${WEBHOOK_FIELDS} } }`,
    one: `query ConsoleWebhook($id: ID!) { item: webhook(id: $id) { ${WEBHOOK_FIELDS} } }`,
    searchFields: ['url', 'description'],
  },
};

/** The rows of a local resource's answer: the array itself or a page's `items`. */
export function localRows<T>(rows: T[] | { items: T[] }): T[] {
  return Array.isArray(rows) ? rows : rows.items;
}

/** A value at a dotted path (`a.b`), for sorting local rows. */
function at(row: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);
}

/** getList over rows already in memory: `q` searches `searchFields`, other filters match equal values. */
export function pageLocally<T extends Record<string, unknown>>(rows: readonly T[], def: LocalResourceDefinition, params: ListParams): { data: T[]; total: number } {
  const filter = params.filter ?? {};
  const q = text(filter['q'])?.toLowerCase();
  const rest = Object.entries(filter).filter(([k, v]) => k !== 'q' && !isBlank(v));
  let out = rows.filter(
    (r) =>
      (!q || def.searchFields.some((f) => String(r[f] ?? '').toLowerCase().includes(q))) &&
      rest.every(([k, v]) => (Array.isArray(v) ? v.map(String).includes(String(at(r, k))) : String(at(r, k)) === String(v))),
  );
  if (params.sort?.field) {
    const { field, order } = params.sort;
    const dir = order === 'ASC' ? 1 : -1;
    out = [...out].sort((a, b) => {
      const x = at(a, field), y = at(b, field);
      if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1; // blanks last
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }
  const page = Math.max(1, params.pagination?.page ?? 1);
  const perPage = Math.max(1, params.pagination?.perPage ?? 25);
  return { data: out.slice((page - 1) * perPage, page * perPage), total: out.length };
}

export function resourceDefinition(resource: string): ResourceDefinition {
  const def = RESOURCES[resource];
  if (!def) throw new Error(`The console has no data mapping for resource "${resource}".`);
  return def;
}

/** The API caps a page at 500 rows. */
export const MAX_PAGE_SIZE = 500;

export interface ListParams {
  pagination?: { page: number; perPage: number };
  sort?: RaSort;
  filter?: RaFilter;
}

export interface GraphqlOperation {
  query: string;
  variables: Record<string, unknown>;
}

/** The list query for react-admin's getList params. `countOnly` asks for totalCount alone (dashboards). */
export function buildListOperation(def: ResourceDefinition, params: ListParams, opts: { countOnly?: boolean } = {}): GraphqlOperation {
  const page = Math.max(1, params.pagination?.page ?? 1);
  const perPage = Math.min(MAX_PAGE_SIZE, Math.max(1, params.pagination?.perPage ?? 25));
  const variables: Record<string, unknown> = {
    filter: def.toFilter(params.filter ?? {}) ?? null,
    offset: opts.countOnly ? 0 : (page - 1) * perPage,
    limit: opts.countOnly ? 1 : perPage,
  };
  let sortDecl: string;
  let sortArg: string;
  if (def.sort.kind === 'input') {
    const field = params.sort ? def.sort.fields[params.sort.field] : undefined;
    // A column the API cannot sort by keeps the API's default order instead of failing.
    variables['sort'] = field ? { field, direction: params.sort?.order === 'ASC' ? 'ASC' : 'DESC' } : null;
    sortDecl = `, $sort: ${def.sort.type}`;
    sortArg = ', sort: $sort';
  } else if (def.sort.kind === 'none') {
    sortDecl = '';
    sortArg = '';
  } else {
    const applies = params.sort?.field === def.sort.field;
    variables['direction'] = applies ? (params.sort?.order === 'ASC' ? 'ASC' : 'DESC') : null;
    sortDecl = ', $direction: SortDirection';
    sortArg = ', direction: $direction';
  }
  const selection = opts.countOnly ? 'totalCount' : `totalCount items { ${def.listFields} }`;
  const query = `query ConsoleList($filter: ${def.filterType}${sortDecl}, $offset: Int, $limit: Int) {
  page: ${def.list}(filter: $filter${sortArg}, offset: $offset, limit: $limit) { ${selection} }
}`;
  return { query, variables };
}

export function buildOneOperation(def: ResourceDefinition, id: string | number): GraphqlOperation {
  return {
    query: `query ConsoleOne($id: ID!) { item: ${def.one}(id: $id) { ${def.oneFields ?? def.listFields} } }`,
    variables: { id: String(id) },
  };
}

/** Several items in one request, one alias per id (`i0`, `i1`, …); used for reference fields. */
export function buildManyOperation(def: ResourceDefinition, ids: ReadonlyArray<string | number>): GraphqlOperation {
  const unique = [...new Set(ids.map(String))];
  const decls = unique.map((_, i) => `$id${i}: ID!`).join(', ');
  const fields = unique.map((_, i) => `i${i}: ${def.one}(id: $id${i}) { ${def.listFields} }`).join('\n  ');
  return {
    query: `query ConsoleMany(${decls}) {\n  ${fields}\n}`,
    variables: Object.fromEntries(unique.map((id, i) => [`id${i}`, id])),
  };
}

/** Counts for several filters of one resource in one request (`c0`, `c1`, … aliases), e.g. jobs per seniority. */
export function buildCountsOperation(def: ResourceDefinition, filters: ReadonlyArray<RaFilter>): GraphqlOperation {
  const decls = filters.map((_, i) => `$f${i}: ${def.filterType}`).join(', ');
  const fields = filters.map((_, i) => `c${i}: ${def.list}(filter: $f${i}, limit: 1) { totalCount }`).join('\n  ');
  return {
    query: `query ConsoleCounts(${decls}) {\n  ${fields}\n}`,
    variables: Object.fromEntries(filters.map((f, i) => [`f${i}`, def.toFilter(f) ?? null])),
  };
}

/**
 * Resources the console can create: react-admin's form values → the API's start mutation (aliased to `item`).
 * Blank values are left out so the API's defaults apply.
 */
export interface CreateDefinition {
  mutation: string;
  toInput(values: Record<string, unknown>): Record<string, unknown>;
}

export const CREATABLE: Record<string, CreateDefinition> = {
  trainingJobs: {
    mutation: `mutation ConsoleStartTraining($input: StartTrainingInput!) { item: startTraining(input: $input) { ${TRAINING_JOB_FIELDS} } }`,
    toInput: (v) =>
      compact({
        model: text(v['model']),
        strategy: text(v['strategy']),
        params: text(v['params']),
        cutoff: instant(v['cutoff']),
        validationFraction: num(v['validationFraction']),
        timeoutSeconds: num(v['timeoutSeconds']),
      }) ?? {},
  },
  evaluations: {
    mutation: `mutation ConsoleStartEvaluation($input: StartEvaluationInput!) { item: startEvaluation(input: $input) { ${EVALUATION_LIST_FIELDS} } }`,
    toInput: (v) => {
      const ks = list(v['k'])?.map(Number);
      const split = text(v['split']);
      return (
        compact({
          modelRef: text(v['modelRef']),
          k: ks,
          shards: num(v['shards']),
          split: split ? compact({ kind: split, cutoff: instant(v['cutoff']), n: num(v['n']), testRatio: num(v['testRatio']) }) : undefined,
        }) ?? {}
      );
    },
  },
};
