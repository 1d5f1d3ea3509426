// Compiles the server (tsc + alias rewrite) and the console (Vite). With --if-stale, skips what is up to date.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ifStale = process.argv.includes('--if-stale');
const bin = (name) => join('node_modules', '.bin', name);

function newestMtime(dirs) {
  let newest = 0;
  const walk = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') walk(join(p, e));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return newest;
}

const stamp = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

const serverSources = newestMtime(['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs', 'migrations', 'tsconfig.json', 'tsconfig.build.json']);
if (!ifStale || stamp('dist/.server-built') < serverSources) {
  process.stdout.write('Building server…\n');
  run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
  writeFileSync('dist/.server-built', new Date().toISOString());
}
const consoleSources = newestMtime(['apps/console']);
if (existsSync('apps/console/vite.config.ts') && (!ifStale || stamp('dist/console/index.html') < consoleSources)) {
  process.stdout.write('Building console…\n');
  run(bin('vite'), ['build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn']);
}
