import type { Command } from 'commander';
import { generateKey, PiiError } from '@app/pii';
import { PiiMaintenanceService, PrivacyCoreModule, totalRows, type PiiKeyStatus, type PiiRowCounts } from '@app/privacy';
import { withCliContext } from '../cli-context.js';
import { CliError, printResult, progressBar } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof PiiError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

const rowCounts = (c: PiiRowCounts) => `${c.candidates} candidates, ${c.resumes} resumes, ${c.alertSubscriptions} alert subscriptions and ${c.alertSuppressions} suppression entries`;

function describeStatus(s: PiiKeyStatus): string {
  const lines = [`active key: ${s.activeKeyId}   configured: ${s.configuredKeyIds.join(', ')}`];
  const keys = Object.keys(s.envelopes).sort();
  if (keys.length === 0) lines.push('no envelopes stored');
  for (const k of keys) lines.push(`  ${k.padEnd(20)} ${Object.entries(s.envelopes[k]!).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push(`envelopes not under the active key: ${s.notActive}${s.notActive > 0 ? ' (run `matchlab pii rotate-keys`)' : ''}`);
  lines.push(s.removableKeyIds.length ? `no envelope names ${s.removableKeyIds.join(', ')}: safe to remove from PII_KEYS` : 'no retired key can be removed yet');
  if (s.missingKeyIds.length) lines.push(`WARNING: envelopes name keys missing from PII_KEYS (unreadable): ${s.missingKeyIds.join(', ')}`);
  lines.push(`legacy plaintext rows: ${rowCounts(s.plaintext)}${totalRows(s.plaintext) > 0 ? ' (run `matchlab pii encrypt-existing`)' : ''}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const pii = program.command('pii').description('Candidate PII at rest: key status, key rotation, encrypting rows written before encryption');

  pii
    .command('status')
    .description('Envelopes per key id and column, which retired keys can be removed from PII_KEYS, plaintext rows left')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        const s = await ctx.get(PiiMaintenanceService).status().catch(asCliError);
        printResult(s, !!opts.json, () => describeStatus(s));
      });
    });

  pii
    .command('rotate-keys')
    .description('Re-wrap every data key under the active key (the first of PII_KEYS); the data ciphertext is unchanged')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        const svc = ctx.get(PiiMaintenanceService);
        let bar: ReturnType<typeof progressBar> | undefined;
        const r = await svc.rotate((done, total) => (bar ??= progressBar('rotate-keys', total, !opts.json)).update(done)).catch(asCliError);
        bar?.stop();
        const s = await svc.status();
        printResult({ ...r, status: s }, !!opts.json, () =>
          `re-wrapped ${r.rewrapped} envelopes under key ${s.activeKeyId} (${Object.entries(r.byColumn).map(([c, n]) => `${c} ${n}`).join(', ')})\n${describeStatus(s)}`);
      });
    });

  pii
    .command('encrypt-existing')
    .description('Encrypt name, email and resume text, alert subscription and suppression-list addresses of rows written before PII encryption (the API also does this at boot)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        let bar: ReturnType<typeof progressBar> | undefined;
        const r = await ctx.get(PiiMaintenanceService).encryptExisting((done, total) => (bar ??= progressBar('encrypt-existing', total, !opts.json)).update(done)).catch(asCliError);
        bar?.stop();
        printResult(r, !!opts.json, () => `encrypted ${rowCounts(r)}`);
      });
    });

  pii
    .command('decrypt-existing')
    .description('Write the PII back as plaintext and clear the envelopes: only before reverting migrations AlertEmailEncryption1764201000000 / PiiEncryption1764200900000')
    .requiredOption('--yes', 'confirm: the database will hold candidate PII in the clear')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([PrivacyCoreModule], async (ctx) => {
        let bar: ReturnType<typeof progressBar> | undefined;
        const r = await ctx.get(PiiMaintenanceService).decryptExisting((done, total) => (bar ??= progressBar('decrypt-existing', total, !opts.json)).update(done)).catch(asCliError);
        bar?.stop();
        printResult(r, !!opts.json, () => `decrypted ${rowCounts(r)} (plaintext now; revert the migration or run encrypt-existing)`);
      });
    });

  pii
    .command('generate-key <id>')
    .description('Print a new key-ring entry `id:base64key` (prepend it to PII_KEYS to make it the active key)')
    .action((id: string) => {
      let k;
      try {
        k = generateKey(id);
      } catch (err) {
        asCliError(err);
      }
      process.stdout.write(`${k!.id}:${k!.key.toString('base64')}\n`);
    });
}
