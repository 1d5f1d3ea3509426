import type { Command } from 'commander';
import { AuthCoreModule, AuthService, ROLES, type Role } from '@app/auth';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new CliError(`unknown role "${value}" (one of ${ROLES.join(', ')})`);
  return value as Role;
}

export function register(program: Command): void {
  program
    .command('login')
    .description('Sign in and print a bearer token (defaults to the local admin created by the first start)')
    .option('--email <email>', 'user email', 'admin@matchlab.local')
    .option('--password <password>', 'password (default: the generated one in <data dir>/admin-credentials.txt)')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; password?: string; json?: boolean }) => {
      await withCliContext([AuthCoreModule], async (ctx, runtime) => {
        let password = opts.password;
        const file = join(runtime.config.dataDir, 'admin-credentials.txt');
        if (!password && existsSync(file)) password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))?.[1];
        if (!password) throw new CliError(`no --password given and no ${file}`);
        const session = await ctx.get(AuthService).login(opts.email, password).catch((err: Error) => {
          throw new CliError(err.message);
        });
        const result = { token: session.token, expiresAt: session.expiresAt.toISOString(), role: session.user.role };
        printResult(result, !!opts.json, () => `${result.token}\n(expires ${result.expiresAt}; send as "Authorization: Bearer <token>")`);
      });
    });

  const keys = program.command('keys').description('API keys for downstream apps and scripts');
  keys
    .command('create')
    .description('Create an API key; the key is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'app')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; role: string; json?: boolean }) => {
      const r = role(opts.role);
      await withCliContext([AuthCoreModule], async (ctx) => {
        const { key, entity } = await ctx.get(AuthService).createApiKey(opts.name, r, null, cliActor());
        const result = { key, prefix: entity.prefix, role: entity.role, name: entity.name };
        printResult(result, !!opts.json, () => `${key}\n(prefix ${entity.prefix}, role ${entity.role}; send as "x-api-key: <key>" — it is not shown again)`);
      });
    });
  keys
    .command('revoke <prefix>')
    .description('Revoke an API key by its prefix')
    .action(async (prefix: string) => {
      await withCliContext([AuthCoreModule], async (ctx) => {
        await ctx.get(AuthService).revokeApiKey(prefix, cliActor()).catch((err: Error) => {
          throw new CliError(err.message);
        });
        process.stdout.write(`revoked ${prefix}\n`);
      });
    });

  program
    .command('users:create')
    .description('Create a console user')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'analyst')
    .action(async (opts: { email: string; password: string; role: string }) => {
      const r = role(opts.role);
      await withCliContext([AuthCoreModule], async (ctx) => {
        const user = await ctx.get(AuthService).createUser(opts.email, opts.password, r, cliActor()).catch((err: Error) => {
          throw new CliError(err.message);
        });
        process.stdout.write(`created ${user.email} (${user.role})\n`);
      });
    });
}
