// Compiles libs/recsys/src (without specs), the pure simulator modules and a bench/recsys-*.bench.ts file with SWC into dist/bench-recsys/
// and runs it; independent of the full build. Usage: node bench/recsys-build.mjs bench/recsys-movielens.bench.ts [args]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist/bench-recsys');
const compile = (file, rewrite = (s) => s) => {
  const { code } = transformSync(readFileSync(file, 'utf8'), { filename: file, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  const out = join(outRoot, relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rewrite(code));
  return out;
};
const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
for (const f of walk(join(root, 'libs/recsys/src'))) if (f.endsWith('.ts') && !f.endsWith('.spec.ts')) compile(f);
// pure modules of other libs that benches import by relative path (no Nest, no decorators)
const pure = ['prng', 'taxonomy', 'utility', 'behaviour', 'history', 'generate', 'ground-truth'].map((f) => `libs/simulator/src/${f}.ts`);
const ranking = ['types', 'config', 'ranking.errors', 'similarity', 'stages', 'explain', 'pipeline', 'debug'].map((f) => `libs/ranking/src/${f}.ts`);
for (const f of [...pure, ...ranking, 'libs/training/src/snapshot.ts']) compile(join(root, f));
const target = process.argv[2];
const index = pathToFileURL(join(outRoot, 'libs/recsys/src/index.js')).href;
const out = compile(join(root, target), (s) => s.replaceAll(`'@app/recsys'`, `'${index}'`).replaceAll(`"@app/recsys"`, `"${index}"`));
process.argv.splice(2, 1);
await import(pathToFileURL(out).href);
