import type { Command } from 'commander';
import { AlertError, AlertsCoreModule, AlertsService, RankedListCache, type AlertDeliveryEntity, type AlertSubscriptionEntity } from '@app/alerts';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof AlertError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

/** An integer option, or a CliError naming it. */
const int = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) throw new CliError(`INVALID_INPUT: ${name} must be an integer ${min}–${max}, got "${raw}"`);
  return n;
};

const when = (d: Date | null) => (d ? d.toISOString() : '-');

/** A subscription as printed: the decrypted address as `email`, without the stored envelope, index and legacy column. */
const shown = ({ emailEnc: _enc, emailIndex: _index, legacyEmail: _legacy, ...s }: AlertSubscriptionEntity) => ({ ...s, email: s.email ?? null });

const subscriptionLine = (s: AlertSubscriptionEntity) =>
  `${s.id.padStart(5)}  ${s.status.padEnd(12)} candidate ${s.candidateId}  ${s.channel} ${s.channel === 'email' ? s.email : s.webhookUrl}  ${s.frequency} at ${String(s.sendHour).padStart(2, '0')}:00 ${s.timeZone}` +
  `  next ${when(s.nextDueAt)}  last sent ${when(s.lastSentAt)}${s.statusReason ? `  (${s.statusReason})` : ''}${s.ownerNotifiedAt ? `  owner notified ${s.ownerNotifiedAt.toISOString()}` : ''}`;

const deliveryLine = (d: AlertDeliveryEntity) =>
  `${d.id.padStart(6)}  ${d.createdAt.toISOString()}  subscription ${d.subscriptionId}  ${d.channel.padEnd(7)} ${d.status.padEnd(10)} attempts ${d.attempts}  items ${d.items.length}  ${d.messageId}` +
  `${d.replays ? `  replays ${d.replays}` : ''}${d.interruptedAttempts ? `  interrupted ${d.interruptedAttempts}` : ''}${d.lastError ? `  error: ${d.lastError}` : ''}`;

export function register(program: Command): void {
  const alerts = program.command('alerts').description('Job alerts: subscribe, list, pause, resume, unsubscribe, deliveries, replay, notices, run-due, precompute');

  alerts
    .command('subscribe')
    .description('Subscribe a candidate to job alerts by email (--email) or signed webhook (--webhook-url; the secret is printed once)')
    .requiredOption('--candidate <id>', 'candidate id')
    .option('--email <address>', 'email channel: the address')
    .option('--webhook-url <url>', 'webhook channel: https endpoint (http://localhost outside production)')
    .option('--secret <whsec>', 'webhook: your own whsec_… secret (default: generated)')
    .option('--frequency <f>', 'instant | daily | weekly', 'daily')
    .option('--send-hour <h>', 'local hour 0–23', '9')
    .option('--weekday <d>', 'weekly: 1 = Monday … 7 = Sunday')
    .option('--time-zone <zone>', 'IANA time zone', 'UTC')
    .option('--quiet <from-to>', 'quiet hours, local, e.g. 22-7')
    .option('--keywords <list>', 'comma-separated; every keyword must appear')
    .option('--location <text>', 'location filter')
    .option('--remote', 'remote jobs only')
    .option('--min-salary <n>', 'minimum annual salary')
    .option('--model-ref <ref>', 'model used when no experiment variant applies (default: ALERTS_MODEL_REF)')
    .option('--top-k <k>', 'jobs per alert (1–50, default 10)')
    .option('--json', 'print JSON')
    .action(async (opts: { candidate: string; email?: string; webhookUrl?: string; secret?: string; frequency: string; sendHour: string; weekday?: string; timeZone: string; quiet?: string; keywords?: string; location?: string; remote?: boolean; minSalary?: string; modelRef?: string; topK?: string; json?: boolean }) => {
      if (!!opts.email === !!opts.webhookUrl) throw new CliError('INVALID_INPUT: give exactly one of --email and --webhook-url');
      const quiet = opts.quiet === undefined ? undefined : /^(\d{1,2})-(\d{1,2})$/.exec(opts.quiet);
      if (quiet === null) throw new CliError(`INVALID_INPUT: --quiet must look like 22-7, got "${opts.quiet}"`);
      const minSalary = opts.minSalary === undefined ? undefined : Number(opts.minSalary);
      if (minSalary !== undefined && !(minSalary >= 0)) throw new CliError(`INVALID_INPUT: --min-salary must be a number ≥ 0, got "${opts.minSalary}"`);
      const input = {
        candidateId: opts.candidate,
        channel: opts.email ? ('email' as const) : ('webhook' as const),
        email: opts.email ?? null,
        webhookUrl: opts.webhookUrl ?? null,
        webhookSecret: opts.secret ?? null,
        frequency: opts.frequency as 'instant' | 'daily' | 'weekly',
        sendHour: int('--send-hour', opts.sendHour, -1000, 1000),
        sendWeekday: int('--weekday', opts.weekday, -1000, 1000) ?? null,
        timeZone: opts.timeZone,
        quietStart: quiet ? Number(quiet[1]) : null,
        quietEnd: quiet ? Number(quiet[2]) : null,
        filters: { keywords: opts.keywords?.split(',').map((k) => k.trim()).filter(Boolean), location: opts.location, remote: opts.remote, minSalary },
        modelRef: opts.modelRef ?? null,
        topK: int('--top-k', opts.topK, -1000, 1000) ?? null,
      };
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const { subscription, secret } = await ctx.get(AlertsService).subscribe(input, cliActor()).catch(asCliError);
        printResult({ ...shown(subscription), secret }, !!opts.json, () => `subscribed ${subscriptionLine(subscription)}${secret ? `\nsigning secret (shown once, store it now): ${secret}` : ''}`);
      });
    });

  alerts
    .command('list')
    .description("A candidate's alert subscriptions")
    .requiredOption('--candidate <id>', 'candidate id')
    .option('--json', 'print JSON')
    .action(async (opts: { candidate: string; json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const rows = await ctx.get(AlertsService).subscriptionsOf(opts.candidate).catch(asCliError);
        printResult(rows.map(shown), !!opts.json, () => (rows.length ? rows.map(subscriptionLine).join('\n') : `no alert subscriptions for candidate ${opts.candidate}`));
      });
    });

  for (const [name, status, description] of [
    ['pause', 'paused', 'Pause a subscription (no alerts until resumed)'],
    ['resume', 'active', 'Resume a paused subscription (also one paused by delivery failures, once the endpoint is fixed)'],
  ] as const) {
    alerts
      .command(`${name} <id>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (id: string, opts: { json?: boolean }) => {
        await withCliContext([AlertsCoreModule], async (ctx) => {
          const s = await ctx.get(AlertsService).update(id, { status }).catch(asCliError);
          printResult(shown(s), !!opts.json, () => `subscription ${s.id} ${s.status}, next alert ${when(s.nextDueAt)}`);
        });
      });
  }

  alerts
    .command('unsubscribe <id>')
    .description('End a subscription (a new one is needed to receive alerts again)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const s = await ctx.get(AlertsService).unsubscribe(id, `unsubscribed by ${cliActor()}`).catch(asCliError);
        printResult(shown(s), !!opts.json, () => `subscription ${s.id} unsubscribed`);
      });
    });

  alerts
    .command('deliveries')
    .description('The alert delivery log, newest first: status, attempts (interrupted ones included), replays, last error')
    .option('--subscription <id>', 'only this subscription')
    .option('--candidate <id>', 'only this candidate')
    .option('--status <s>', 'pending | retrying | sent | empty | suppressed | failed')
    .option('--channel <c>', 'email | webhook')
    .option('--limit <n>', 'at most this many (1–500)', '20')
    .option('--json', 'print JSON')
    .action(async (opts: { subscription?: string; candidate?: string; status?: string; channel?: string; limit: string; json?: boolean }) => {
      const limit = int('--limit', opts.limit, 1, 500)!;
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const rows = await ctx.get(AlertsService).deliveries({ subscriptionId: opts.subscription, candidateId: opts.candidate, status: opts.status, channel: opts.channel, limit }).catch(asCliError);
        printResult(rows, !!opts.json, () => (rows.length ? rows.map(deliveryLine).join('\n') : 'no alert deliveries'));
      });
    });

  alerts
    .command('replay <deliveryId>')
    .description('Queue a failed delivery again (same message id, a new round of retries); the subscription must be active — resume it first')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const d = await ctx.get(AlertsService).replay(id, cliActor()).catch(asCliError);
        printResult(d, !!opts.json, () => `delivery ${d.id} queued again (replay ${d.replays}, message ${d.messageId}); a worker delivers it`);
      });
    });

  alerts
    .command('notices <subscriptionId>')
    .description("Notices to the subscription's owner when delivery failures paused it")
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const rows = await ctx.get(AlertsService).ownerNotices(id).catch(asCliError);
        printResult(rows, !!opts.json, () =>
          rows.length ? rows.map((n) => `${n.createdAt.toISOString()}  ${n.status.padEnd(12)} ${n.recipient ?? '-'}  ${n.reason}${n.error ? `  error: ${n.error}` : ''}`).join('\n') : `no owner notices for subscription ${id}`,
        );
      });
    });

  alerts
    .command('run-due')
    .description('Queue every due subscription now (what the minutely tick does); a worker sends them')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const queued = await ctx.get(AlertsService).enqueueDue();
        printResult({ queued }, !!opts.json, () => `queued ${queued} due alert${queued === 1 ? '' : 's'}`);
      });
    });

  alerts
    .command('precompute')
    .description('Precompute the ranked lists rankedJobs serves (what the nightly precompute-ranked job does), in this process')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([AlertsCoreModule], async (ctx) => {
        const r = await ctx.get(RankedListCache).precompute();
        printResult(r, !!opts.json, () => `precomputed ${r.lists} ranked lists (${r.candidates} candidates × ${r.targets} models, ${r.skipped} skipped) in ${(r.ms / 1000).toFixed(1)} s`);
      });
    });
}
