import { parseDocument } from 'htmlparser2';
import { DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { finishJobRow, normalizePeriod } from './normalize.js';

/** A schema.org JobPosting found on a page, or why a block was skipped. */
export interface PageExtraction {
  postings: Array<{ posting: Record<string, any>; via: 'json-ld' | 'microdata' }>;
  skipped: string[];
  /** The page's `<a href>` values, as written (the crawler resolves and filters them). */
  links: string[];
}

const isType = (node: unknown, type: string): boolean => {
  const t = (node as { '@type'?: unknown } | null)?.['@type'];
  const types = Array.isArray(t) ? t : [t];
  return types.some((x) => typeof x === 'string' && x.replace(/^https?:\/\/schema\.org\//, '') === type);
};

/** JobPostings in a JSON-LD value: a node, an array of nodes, or `@graph` (nested at any level). */
function collectJsonLd(value: unknown, out: Array<Record<string, any>>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectJsonLd(v, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const v = value as Record<string, any>;
  if (isType(v, 'JobPosting')) out.push(v);
  if (v['@graph']) collectJsonLd(v['@graph'], out);
  if (v.itemListElement) collectJsonLd(Array.isArray(v.itemListElement) ? v.itemListElement.map((e: any) => e?.item ?? e) : v.itemListElement, out);
}

/** Every JobPosting on a page: JSON-LD blocks (malformed ones skipped with the parser's reason), then microdata. */
export function extractJobPostings(html: string): PageExtraction {
  const doc = parseDocument(html, { decodeEntities: true });
  const result: PageExtraction = { postings: [], skipped: [], links: [] };
  const scripts = DomUtils.findAll((e) => e.name === 'script' && /application\/ld\+json/i.test(e.attribs.type ?? ''), doc.children);
  scripts.forEach((s, i) => {
    const text = DomUtils.textContent(s).trim();
    if (!text) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      result.skipped.push(`JSON-LD block ${i + 1}: malformed JSON (${(err as Error).message.slice(0, 120)})`);
      return;
    }
    const found: Array<Record<string, any>> = [];
    collectJsonLd(value, found);
    for (const posting of found) result.postings.push({ posting, via: 'json-ld' });
  });
  const scopes = DomUtils.findAll((e) => 'itemscope' in e.attribs && /schema\.org\/JobPosting/i.test(e.attribs.itemtype ?? ''), doc.children);
  for (const scope of scopes) result.postings.push({ posting: microdataItem(scope), via: 'microdata' });
  result.links = DomUtils.findAll((e) => e.name === 'a' && !!e.attribs.href, doc.children).map((e) => e.attribs.href!);
  return result;
}

/** A microdata item as a JSON-LD-like object (nested itemscopes become nested objects). */
function microdataItem(scope: Element): Record<string, any> {
  const item: Record<string, any> = { '@type': (scope.attribs.itemtype ?? '').split('/').pop() };
  const walk = (el: Element) => {
    for (const child of el.children) {
      if (child.type !== 'tag' && child.type !== 'script' && child.type !== 'style') continue;
      const c = child as Element;
      const prop = c.attribs.itemprop;
      const nested = 'itemscope' in c.attribs;
      if (prop) {
        const value = nested ? microdataItem(c) : c.attribs.content ?? c.attribs.datetime ?? (c.name === 'a' || c.name === 'link' ? c.attribs.href : undefined) ?? (c.name === 'meta' ? c.attribs.content : undefined) ?? (prop === 'description' ? DomUtils.getInnerHTML(c) : DomUtils.textContent(c).trim());
        for (const p of prop.split(/\s+/)) item[p] = item[p] === undefined ? value : [].concat(item[p], value as never);
      }
      if (!nested) walk(c);
    }
  };
  walk(scope);
  return item;
}

const first = <T>(v: T | T[] | undefined): T | undefined => (Array.isArray(v) ? v[0] : v);
const text = (v: unknown): string | undefined => {
  const x = first(v as unknown);
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'object') return text((x as any)['@value'] ?? (x as any).name ?? (x as any).value);
  return String(x);
};

/**
 * A schema.org JobPosting → importer job row. Every standard field: title, description (HTML → sanitised text),
 * datePosted, validThrough, employmentType, hiringOrganization, jobLocation (address parts) and jobLocationType
 * TELECOMMUTE (remote), baseSalary (MonetaryAmount with QuantitativeValue min/max/value and unitText, currency),
 * identifier (PropertyValue or text; else the page URL) and directApply (→ `direct_apply`, stored on the job).
 */
export function jobPostingRow(p: Record<string, any>, pageUrl: string, index = 0): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const ident = first(p.identifier);
  const id = ident && typeof ident === 'object' ? text(ident.value ?? ident['@id'] ?? ident.name) : text(ident);
  const url = text(p.url) ?? pageUrl;
  row.external_id = id ? (text(ident?.name) && ident && typeof ident === 'object' ? `${text(ident.name)}:${id}` : id) : index ? `${url}#${index}` : url;
  row.title = text(p.title) ?? text(p.name);
  row.description = text(p.description) ?? '';
  row.posted_at = text(p.datePosted);
  row.expires_at = text(p.validThrough);
  row.employment_type = first(p.employmentType);
  row.company = text(p.hiringOrganization);
  const loc = first(p.jobLocation);
  const addr = loc && typeof loc === 'object' ? (first(loc.address) ?? loc) : undefined;
  if (addr && typeof addr === 'object') {
    row.city = text(addr.addressLocality);
    row.region = text(addr.addressRegion);
    row.country = text(addr.addressCountry);
  } else if (typeof addr === 'string') row.location = addr;
  const locType = [].concat(p.jobLocationType ?? []).map(String);
  if (locType.some((t) => /telecommute/i.test(t))) row.remote = true;
  const direct = directApply(p);
  if (direct !== undefined) row.direct_apply = direct;
  if (!row.country && p.applicantLocationRequirements) row.country = text(first(p.applicantLocationRequirements)?.name ?? p.applicantLocationRequirements);
  const salary = first(p.baseSalary) ?? first(p.estimatedSalary);
  if (salary && typeof salary === 'object') {
    const v = first(salary.value);
    const qv = v && typeof v === 'object' ? v : { value: v };
    const num = (x: unknown) => (x === undefined || x === null || x === '' ? undefined : Number(x));
    const min = num(qv.minValue) ?? num(qv.value);
    const max = num(qv.maxValue) ?? (qv.minValue !== undefined ? num(qv.value) : undefined);
    if (min !== undefined) row.salary_min = min;
    if (max !== undefined && max !== min) row.salary_max = max;
    if (salary.currency) row.salary_currency = String(salary.currency);
    const period = normalizePeriod(qv.unitText ?? salary.unitText);
    if (period) row.salary_period = period;
  } else if (typeof salary === 'string' || typeof salary === 'number') return finishJobRow(row, salary);
  return finishJobRow(row);
}

/** `directApply` of a posting (true/false/undefined), stored as jobs.direct_apply. */
export const directApply = (p: Record<string, any>): boolean | undefined => (p.directApply === undefined ? undefined : p.directApply === true || p.directApply === 'true' || p.directApply === 'True');
