import { join } from 'node:path';
import { IngestError } from './ingest.errors.js';
import type { ImportRunResult, ImportService } from './import.service.js';
import { assertReadable, csvRows, type RowSource, type SourceRow } from './readers.js';

/**
 * Importers for the real datasets in ../shared/datasets (see their READMEs). Each maps the dataset's columns
 * to our row kinds and runs them through the same ImportService as the CLI, so validation, standardisation,
 * deduplication and idempotency are the same.
 */
export const DATASETS = ['google-job-skills', 'job-views', 'resumes'] as const;
export type DatasetName = (typeof DATASETS)[number];

const NA = (v: string | undefined) => (v === undefined || v === 'NA' || v.trim() === '' ? undefined : v.trim());

async function collect(source: RowSource): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const r of source()) out.push(r);
  return out;
}
const fromArray = (rows: SourceRow[]): RowSource => async function* () { yield* rows; };

export async function importDataset(service: ImportService, name: DatasetName, dir: string, onProgress?: (label: string, done: number) => void): Promise<ImportRunResult[]> {
  switch (name) {
    case 'google-job-skills': {
      const path = join(dir, 'google-job-skills', 'job_skills.csv');
      await assertReadable(path);
      const rows = (await collect(csvRows(path, { delimiter: ';' }))).map((r): SourceRow => {
        if (!r.data) return r;
        const d = r.data as Record<string, string>;
        const parts = [NA(d['responsibilities']), NA(d['minimum_qualifications']) && `Minimum qualifications:\n${d['minimum_qualifications']}`, NA(d['preferred_qualifications']) && `Preferred qualifications:\n${d['preferred_qualifications']}`];
        return { ...r, data: { external_id: `L${r.line}`, company: d['company'], title: d['title'], location: d['location'], description: parts.filter(Boolean).join('\n\n'), category: d['category'] } };
      });
      return [await service.importRows('jobs', fromArray(rows), { source: 'google-job-skills', sourceName: path, format: 'csv', onProgress: (n) => onProgress?.('jobs', n) })];
    }
    case 'job-views': {
      const base = join(dir, 'job-views-casestudy');
      const viewsPath = join(base, 'Job_Views.csv');
      await assertReadable(viewsPath);
      const views = await collect(csvRows(viewsPath));
      const experience = await collect(csvRows(join(base, 'Experience.csv')));
      const interests = await collect(csvRows(join(base, 'Positions_Of_Interest.csv')));
      const get = (r: SourceRow, k: string) => NA((r.data as Record<string, string> | undefined)?.[k]);

      const jobs = new Map<string, SourceRow>();
      const firstView = new Map<string, string>();
      for (const v of views) {
        const id = get(v, 'job_id');
        const start = get(v, 'view_start');
        if (!id) continue;
        if (start && (!firstView.has(id) || start < firstView.get(id)!)) firstView.set(id, start);
        if (jobs.has(id)) continue;
        jobs.set(id, { line: v.line, data: { external_id: id, title: get(v, 'position') ?? get(v, 'title'), company: get(v, 'company'), city: get(v, 'city'), region: get(v, 'state_code') ?? get(v, 'state_name'), country: 'US', description: [get(v, 'title'), get(v, 'industry')].filter(Boolean).join('\n') } });
      }
      for (const [id, row] of jobs) if (firstView.has(id)) (row.data as Record<string, unknown>)['posted_at'] = firstView.get(id);

      type Profile = { line: number; titles: string[]; text: string[]; city?: string; region?: string };
      const profiles = new Map<string, Profile>();
      const profile = (id: string, line: number) => profiles.get(id) ?? profiles.set(id, { line, titles: [], text: [] }).get(id)!;
      for (const v of views) { const id = get(v, 'applicant_id'); if (id) profile(id, v.line); }
      for (const e of experience) {
        const id = get(e, 'applicant_id');
        if (!id || !profiles.has(id)) continue; // only applicants who viewed jobs become candidates
        const p = profile(id, e.line);
        const pos = get(e, 'position_name');
        if (pos) p.text.push(pos);
        const desc = get(e, 'job_description');
        if (desc) p.text.push(desc);
        p.city ??= get(e, 'city');
        p.region ??= get(e, 'state_code') ?? get(e, 'state_name');
      }
      for (const i of interests) {
        const id = get(i, 'applicant_id');
        const pos = get(i, 'position_of_interest');
        if (id && pos && profiles.has(id)) profile(id, i.line).titles.push(pos);
      }
      const candidates: SourceRow[] = [...profiles].map(([id, p]) => ({ line: p.line, data: { external_id: id, desired_titles: p.titles.map((t) => t.replace(/[;,|]/g, ' ')), summary: p.text.join('\n'), city: p.city, region: p.region, country: p.city || p.region ? 'US' : undefined } }));
      const clicks: SourceRow[] = views.map((v) => (v.data ? { line: v.line, data: { candidate_external_id: get(v, 'applicant_id'), job_external_id: get(v, 'job_id'), type: 'click', occurred_at: get(v, 'view_start') } } : v));

      const source = 'job-views';
      return [
        await service.importRows('jobs', fromArray([...jobs.values()]), { source, sourceName: viewsPath, format: 'csv', onProgress: (n) => onProgress?.('jobs', n) }),
        await service.importRows('candidates', fromArray(candidates), { source, sourceName: viewsPath, format: 'csv', onProgress: (n) => onProgress?.('candidates', n) }),
        await service.importRows('interactions', fromArray(clicks), { source, sourceName: viewsPath, format: 'csv', onProgress: (n) => onProgress?.('interactions', n) }),
      ];
    }
    case 'resumes': {
      const path = join(dir, 'resume-dataset', 'UpdatedResumeDataSet.csv');
      await assertReadable(path);
      // The file has corrupt UTF-8 bytes: Node's utf8 decoder replaces them with U+FFFD.
      const rows = (await collect(csvRows(path, { encoding: 'utf8' }))).map((r): SourceRow => {
        if (!r.data) return r;
        const d = r.data as Record<string, string>;
        return { ...r, data: { external_id: `R${r.line}`, candidate_external_id: `R${r.line}`, category: d['category'], text: d['resume'] } };
      });
      return [await service.importRows('resumes', fromArray(rows), { source: 'resume-dataset', sourceName: path, format: 'csv', onProgress: (n) => onProgress?.('resumes', n) })];
    }
    default:
      throw new IngestError('INVALID_INPUT', `unknown dataset ${String(name)} (expected ${DATASETS.join(', ')})`);
  }
}
