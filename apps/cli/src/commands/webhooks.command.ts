import type { Command } from 'commander';
import { WebhookError, WebhooksCoreModule, WebhooksService, type WebhookView } from '@app/webhooks';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';


const asCliError = (err: unknown): never => {
  if (err instanceof WebhookError) throw new CliError(err.message);
  throw err;
};

const list = (raw: string | undefined) => (raw === undefined ? undefined : raw.split(',').map((s) => s.trim()).filter(Boolean));

const line = (w: WebhookView) =>
  `${w.id.padStart(4)}  ${w.enabled ? 'enabled ' : 'disabled'}  ${w.url}  events ${w.eventTypes.length ? w.eventTypes.join(',') : 'all'}  models ${w.models.length ? w.models.join(',') : 'all'}  secret ${w.secretHint}${w.description ? `  "${w.description}"` : ''}${w.disabledReason ? `  (${w.disabledReason})` : ''}`;

export function register(program: Command): void {
  const webhooks = program.command('webhooks').description('Registry event webhooks: create, list, deliveries, disable, enable');

  webhooks
    .command('create')
    .description('Subscribe a URL to registry events; prints the signing secret once')
    .requiredOption('--url <url>', 'http(s) endpoint receiving a signed POST per event')
    .option('--events <types>', 'comma-separated: model.registered, version.created, alias.moved, version.archived (default: all)')
    .option('--models <names>', 'comma-separated model names (default: all models)')
    .option('--description <text>', 'what it is for')
    .option('--secret <whsec>', 'your own whsec_… secret (default: a generated one)')
    .option('--json', 'print JSON')
    .action(async (opts: { url: string; events?: string; models?: string; description?: string; secret?: string; json?: boolean }) => {
      await withCliContext([WebhooksCoreModule], async (ctx) => {
        const { webhook, secret } = await ctx.get(WebhooksService).create({ url: opts.url, events: list(opts.events), models: list(opts.models), description: opts.description, secret: opts.secret }, cliActor()).catch(asCliError);
        printResult({ ...webhook, secret }, !!opts.json, () => `webhook ${webhook.id} → ${webhook.url}\nsigning secret (shown once, store it now): ${secret}`);
      });
    });

  webhooks
    .command('list')
    .description('Webhook subscriptions (the secret is never shown again, only its first characters)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([WebhooksCoreModule], async (ctx) => {
        const rows = await ctx.get(WebhooksService).list();
        printResult(rows, !!opts.json, () => (rows.length === 0 ? 'no webhooks' : rows.map(line).join('\n')));
      });
    });

  webhooks
    .command('deliveries <id>')
    .description('Delivery log of a webhook, newest first: status, attempts, last HTTP status and error')
    .option('--status <s>', 'pending | retrying | succeeded | failed')
    .option('--limit <n>', 'at most this many (default 20)', '20')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { status?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a positive integer, got "${opts.limit}"`);
      await withCliContext([WebhooksCoreModule], async (ctx) => {
        const rows = await ctx.get(WebhooksService).deliveries(id, { status: opts.status, limit }).catch(asCliError);
        printResult(rows, !!opts.json, () =>
          rows.length === 0
            ? `no deliveries for webhook ${id}`
            : rows
                .map((d) => `${d.createdAt.toISOString()}  ${d.eventType.padEnd(16)} ${d.model.padEnd(16)} ${d.status.padEnd(9)} attempts ${d.attempts}  HTTP ${d.responseStatus ?? '-'}  ${d.messageId}${d.lastError ? `  error: ${d.lastError}` : ''}${d.nextAttemptAt && d.status === 'retrying' ? `  next ${d.nextAttemptAt.toISOString()}` : ''}`)
                .join('\n'),
        );
      });
    });

  webhooks
    .command('disable <id>')
    .description('Stop deliveries to a webhook (pending retries included); its log is kept')
    .option('--reason <text>', 'why (shown with the webhook)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { reason?: string; json?: boolean }) => {
      await withCliContext([WebhooksCoreModule], async (ctx) => {
        const w = await ctx.get(WebhooksService).setEnabled(id, false, `disabled by ${cliActor()}${opts.reason ? `: ${opts.reason}` : ''}`).catch(asCliError);
        printResult(w, !!opts.json, () => `webhook ${w.id} disabled`);
      });
    });

  webhooks
    .command('enable <id>')
    .description('Resume deliveries to a webhook for events from now on')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([WebhooksCoreModule], async (ctx) => {
        const w = await ctx.get(WebhooksService).setEnabled(id, true).catch(asCliError);
        printResult(w, !!opts.json, () => `webhook ${w.id} enabled`);
      });
    });
}
