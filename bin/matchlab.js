#!/usr/bin/env node
// Entry point for `npx matchlab`: builds on first use, then runs the compiled CLI.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/apps/cli/src/main.js');
if (!existsSync(entry)) execFileSync('node', [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const { runCli } = await import(pathToFileURL(entry).href);
process.exit(await runCli(process.argv.slice(2)));
