import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { auditToCsv, auditToJson, FairnessAuditService, FairnessCoreModule, FairnessError, ProtectedAttributesService, type FairnessAuditReport, type ProtectedAttributeRecord } from '@app/fairness';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, numberOption } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof FairnessError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

function date(name: string, raw: string | undefined): Date | null {
  if (raw === undefined) return null;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new CliError(`INVALID_INPUT: --${name} must be a date (ISO 8601), got "${raw}"`);
  return d;
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
const fix = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));

/** A terminal table: one line per group, flagged metrics marked with `!`. */
export function auditTable(r: FairnessAuditReport): string {
  const lines = [`fairness audit ${r.id} — ${r.attribute}, ${r.windowFrom} … ${r.windowTo} (${r.trigger}); reference ${r.result.referenceGroup ?? '–'}; ${r.result.flagged} flagged`];
  lines.push(['group', 'cands', 'impr', 'pop%', 'expo%', 'impr/cand [CI]', 'salary [CI]', 'seniority', 'click [CI]', 'apply [CI]', 'flags'].join('\t'));
  for (const g of r.result.groups) {
    const flags = g.disparities.filter((d) => d.flagged).map((d) => `!${d.metric} ×${fix(d.ratio)} [${fix(d.low)}, ${fix(d.high)}]`).join(' ');
    lines.push([
      g.group, g.candidates, g.impressions, pct(g.populationShare), pct(g.exposureShare),
      `${fix(g.exposurePerCandidate.estimate, 2)} [${fix(g.exposurePerCandidate.low, 2)}, ${fix(g.exposurePerCandidate.high, 2)}]`,
      `${fix(g.salary.estimate, 0)} [${fix(g.salary.low, 0)}, ${fix(g.salary.high, 0)}]`,
      fix(g.seniority.estimate, 2),
      `${pct(g.clickRate.estimate)} [${pct(g.clickRate.low)}, ${pct(g.clickRate.high)}]`,
      `${pct(g.applyRate.estimate)} [${pct(g.applyRate.low)}, ${pct(g.applyRate.high)}]`,
      (g.insufficient ? '(insufficient) ' : '') + flags,
    ].join('\t'));
  }
  return lines.join('\n');
}

function output(reports: FairnessAuditReport[], format: string, out: string | undefined): void {
  const text = format === 'csv' ? auditToCsv(reports) : format === 'json' ? auditToJson(reports) : reports.map(auditTable).join('\n\n') + '\n';
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

function checkFormat(f: string): string {
  if (!['table', 'csv', 'json'].includes(f)) throw new CliError(`INVALID_INPUT: --format must be table, csv or json, got "${f}"`);
  return f;
}

/** candidate_id,attribute,value,consent_at — a header line first; a row without consent_at refuses the whole file. */
export function parseAttributesCsv(text: string): ProtectedAttributeRecord[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split(',').map((h) => h.trim());
  if (!header || ['candidate_id', 'attribute', 'value', 'consent_at'].some((c, i) => header[i] !== c)) throw new CliError('INVALID_INPUT: the header must be candidate_id,attribute,value,consent_at');
  return lines.map((l) => {
    const [candidateId = '', attribute = '', value = '', consentAt = ''] = l.split(',').map((c) => c.trim());
    return { candidateId, attribute, value, consentAt: consentAt || null };
  });
}

export function register(program: Command): void {
  const fairness = program.command('fairness').description('Fairness audits over protected attributes (stored only with consent, never in features)');

  fairness.command('audit')
    .description('Run an audit now (stored like the scheduled ones) and print it')
    .option('--attribute <name>', 'gender or age_band', 'gender')
    .option('--from <date>', 'window start (default: MATCHLAB_FAIRNESS_WINDOW_DAYS before --to)')
    .option('--to <date>', 'window end (default: now)')
    .option('--reference <group>', 'reference group (default: the largest)')
    .option('--rate-threshold <x>', 'four-fifths threshold for exposure and rates (default 0.8)')
    .option('--mean-gap <x>', 'relative gap flagged for salary and seniority (default 0.1)')
    .option('--min-candidates <n>', 'groups smaller than this are never flagged (default 20)')
    .option('--format <f>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o: { attribute: string; from?: string; to?: string; reference?: string; rateThreshold?: string; meanGap?: string; minCandidates?: string; format: string; out?: string }) => {
      const format = checkFormat(o.format);
      const config = { referenceGroup: o.reference, rateThreshold: numberOption('rate-threshold', o.rateThreshold), meanGap: numberOption('mean-gap', o.meanGap), minCandidates: numberOption('min-candidates', o.minCandidates, true) };
      const report = await withCliContext([FairnessCoreModule], (ctx) => ctx.get(FairnessAuditService).run({ attribute: o.attribute, from: date('from', o.from), to: date('to', o.to), config, trigger: 'manual', createdBy: cliActor() })).catch(asCliError);
      output([report], format, o.out);
    });

  fairness.command('list')
    .description('Stored audits, newest first')
    .option('--attribute <name>', 'only this attribute')
    .option('--limit <n>', 'how many', '20')
    .option('--format <f>', 'table, csv or json', 'table')
    .action(async (o: { attribute?: string; limit: string; format: string }) => {
      const format = checkFormat(o.format);
      const reports = await withCliContext([FairnessCoreModule], (ctx) => ctx.get(FairnessAuditService).list({ attribute: o.attribute, limit: numberOption('limit', o.limit, true) })).catch(asCliError);
      output(reports, format, undefined);
    });

  fairness.command('export <id>')
    .description('Export a stored audit')
    .option('--format <f>', 'csv or json', 'csv')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (id: string, o: { format: string; out?: string }) => {
      const format = checkFormat(o.format);
      const report = await withCliContext([FairnessCoreModule], (ctx) => ctx.get(FairnessAuditService).get(id)).catch(asCliError);
      output([report], format, o.out);
    });

  fairness.command('import-attributes <file>')
    .description('Import protected attributes from CSV (candidate_id,attribute,value,consent_at); refused when any row lacks consent')
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`INVALID_INPUT: cannot read ${file}: ${(err as Error).message}`);
      }
      const records = parseAttributesCsv(text);
      const n = await withCliContext([FairnessCoreModule], (ctx) => ctx.get(ProtectedAttributesService).record(records)).catch(asCliError);
      process.stdout.write(`stored ${n} protected attribute${n === 1 ? '' : 's'}\n`);
    });
}
