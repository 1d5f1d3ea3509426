import { ConnectorError } from './connectors.errors.js';
import { applyMapping, getPath, JOB_FIELDS, type FieldMapping } from './mapping.js';
import { finishJobRow, normalizePeriod } from './normalize.js';

/** Greenhouse job board API, `GET /v1/boards/{board}/jobs?content=true`: `{ jobs: [...] }`; content is entity-escaped HTML. */
export const GREENHOUSE_MAPPING: FieldMapping = {
  external_id: 'id',
  title: 'title',
  company: 'company_name',
  description: 'content',
  location: 'location.name',
  posted_at: ['first_published', 'updated_at'],
  url: 'absolute_url',
};

/** Lever postings API, `GET /v0/postings/{site}?mode=json`: an array; createdAt in epoch ms. */
export const LEVER_MAPPING: FieldMapping = {
  external_id: 'id',
  title: 'text',
  description: 'descriptionHtml',
  location: 'categories.location',
  employment_type: 'categories.commitment',
  posted_at: 'createdAt',
  country: 'country',
  url: 'hostedUrl',
};

/** A generic JSON feed: an array, or `{ jobs | postings | data | items: [...] }`; fields named as in the importer. */
export const JSON_FEED_MAPPING: FieldMapping = {};

export type AtsKind = 'greenhouse' | 'lever' | 'json_feed';

export function jsonRecords(kind: AtsKind, body: unknown): unknown[] {
  if (Array.isArray(body) && kind !== 'greenhouse') return body;
  if (body && typeof body === 'object') {
    for (const k of kind === 'greenhouse' ? ['jobs'] : ['jobs', 'postings', 'data', 'items']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v;
    }
  }
  throw new ConnectorError('INVALID_INPUT', `${kind} feed: expected ${kind === 'greenhouse' ? 'an object with a "jobs" array' : 'a JSON array of postings'}`);
}

/** One ATS record → an importer job row (before validation). */
export function atsJobRow(kind: AtsKind, rec: unknown, mapping: FieldMapping = {}): Record<string, unknown> {
  if (kind === 'lever') {
    const r = rec as Record<string, any>;
    // Lever splits the posting: description, then titled lists (requirements…), then "additional".
    const lists = Array.isArray(r?.lists) ? r.lists.map((l: any) => `<h3>${l?.text ?? ''}</h3><ul>${l?.content ?? ''}</ul>`).join('') : '';
    const descriptionHtml = `${r?.description ?? r?.descriptionPlain ?? ''}${lists}${r?.additional ?? ''}`;
    const row = applyMapping({ ...r, descriptionHtml }, LEVER_MAPPING, mapping);
    if (r?.workplaceType === 'remote' && mapping.remote === undefined) row.remote = true;
    const sr = r?.salaryRange;
    if (sr && typeof sr === 'object' && mapping.salary_min === undefined) {
      if (typeof sr.min === 'number') row.salary_min = sr.min;
      if (typeof sr.max === 'number') row.salary_max = sr.max;
      if (sr.currency) row.salary_currency = sr.currency;
      row.salary_period = normalizePeriod(sr.interval) ?? 'year';
    }
    return finishJobRow(row);
  }
  if (kind === 'greenhouse') {
    const row = applyMapping(rec, GREENHOUSE_MAPPING, mapping);
    // Pay transparency ranges, when the board publishes them.
    const pay = getPath(rec, 'pay_input_ranges.0') as Record<string, any> | undefined;
    if (pay && mapping.salary_min === undefined) {
      if (pay.min_cents !== undefined) row.salary_min = Number(pay.min_cents) / 100;
      if (pay.max_cents !== undefined) row.salary_max = Number(pay.max_cents) / 100;
      if (pay.currency_type) row.salary_currency = pay.currency_type;
    }
    return finishJobRow(row);
  }
  // Generic JSON: fields already named as the importer's, renamed where the source's mapping says so.
  const own: Record<string, unknown> = {};
  if (rec && typeof rec === 'object') for (const f of JOB_FIELDS) if ((rec as Record<string, unknown>)[f] !== undefined) own[f] = (rec as Record<string, unknown>)[f];
  return finishJobRow({ ...own, ...applyMapping(rec, JSON_FEED_MAPPING, mapping) }, own.salary_min === undefined ? getPath(rec, 'salary') : undefined);
}
