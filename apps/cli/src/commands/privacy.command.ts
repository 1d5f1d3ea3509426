import type { Command } from 'commander';
import { queryAudit } from '@app/audit';
import { ErasureService, PiiError, PrivacyCoreModule, PrivacyError } from '@app/privacy';
import { DataSource } from 'typeorm';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof PrivacyError || err instanceof PiiError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

export function register(program: Command): void {
  const candidates = program.command('candidates').description('Data-subject requests: forget (erase) or export one candidate');

  candidates
    .command('forget <id>')
    .description('Right to be forgotten: erase the candidate and everything held about them (Postgres and Redis); keeps a hashed tombstone; audited')
    .option('--reason <text>', 'why (kept in the tombstone and the audit log)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { reason?: string; json?: boolean }) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        const r = await ctx.get(ErasureService).forget(id, cliActor(), opts.reason ?? '').catch(asCliError);
        printResult(r, !!opts.json, () => {
          const rows = Object.entries(r.removed).filter(([, n]) => n > 0);
          return `candidate ${id} erased (erasure ${r.erasureId})\n${rows.map(([t, n]) => `  ${t.padEnd(26)} ${n}`).join('\n')}`;
        });
      });
    });

  candidates
    .command('export <id>')
    .description('Everything held about a candidate as one JSON document (profile, resumes, interactions, features, alert subscriptions and deliveries, exposures); audited')
    .action(async (id: string) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        const doc = await ctx.get(ErasureService).export(id, cliActor()).catch(asCliError);
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      });
    });

  program
    .command('audit')
    .description('The audit log of sensitive actions, newest first')
    .option('--action <a>', 'e.g. model.promote, candidate.delete, candidate.export, api_key.create, api_key.revoke, user.create, pii.read')
    .option('--actor <who>')
    .option('--subject <s>', 'e.g. candidate:42, model:jobs/champion')
    .option('--limit <n>', 'at most this many (default 50, max 500)', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { action?: string; actor?: string; subject?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError(`--limit must be an integer 1–500, got "${opts.limit}"`);
      await withCliContext([], async (ctx) => {
        const page = await queryAudit(ctx.get(DataSource), { action: opts.action, actor: opts.actor, subject: opts.subject, limit });
        printResult(page, !!opts.json, () =>
          page.items.length === 0 ? 'no audit entries' : page.items.map((e) => `${e.at.toISOString()}  ${e.action.padEnd(16)} ${e.subject.padEnd(28)} ${e.actor}  ${JSON.stringify(e.detail)}`).join('\n'),
        );
      });
    });
}
