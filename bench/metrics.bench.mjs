// Runs bench/metrics.bench.ts on the built code: builds if stale, compiles the bench with SWC (already a
// dev dependency), points `@app/evaluation` at dist/, and imports it. Usage: node bench/metrics.bench.mjs [--users N]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// bench/run.mjs builds (once) before the suite and sets MATCHLAB_BENCH_SKIP_BUILD
if (!process.env.MATCHLAB_BENCH_SKIP_BUILD) execFileSync('node', [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const src = readFileSync(join(root, 'bench/metrics.bench.ts'), 'utf8');
const { code } = transformSync(src, { filename: 'metrics.bench.ts', jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
const out = join(root, 'dist/bench/metrics.bench.mjs');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code.replaceAll(`'@app/evaluation'`, `'${pathToFileURL(join(root, 'dist/libs/evaluation/src/index.js')).href}'`).replaceAll(`"@app/evaluation"`, `"${pathToFileURL(join(root, 'dist/libs/evaluation/src/index.js')).href}"`));
await import(pathToFileURL(out).href);
