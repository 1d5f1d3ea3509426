// Compiles libs/statistics/src (without specs), the pure simulator modules and libs/experiments' bandit allocation with SWC
// into dist/bench-statistics/ and runs a bench file (bench/statistics.bench.ts, bench/bandit-ope.bench.ts); independent of
// the full build. Usage: node bench/statistics-build.mjs bench/statistics.bench.ts [args]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist/bench-statistics');
const compile = (file, rewrite = (s) => s) => {
  const { code } = transformSync(readFileSync(file, 'utf8'), { filename: file, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  const out = join(outRoot, relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rewrite(code));
  return out;
};
const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
const nest = /statistics\.(module|resolver)\.ts$|\.model\.ts$|\/dto\//;
for (const f of walk(join(root, 'libs/statistics/src'))) if (f.endsWith('.ts') && !f.endsWith('.spec.ts') && !nest.test(f)) compile(f);
for (const f of ['prng', 'taxonomy', 'utility', 'behaviour', 'generate']) compile(join(root, `libs/simulator/src/${f}.ts`));
compile(join(root, 'libs/experiments/src/murmur3.ts'));
compile(join(root, 'libs/experiments/src/bandit.ts'), (s) => s.replace(/from ['"]@app\/statistics['"]/g, "from '../../statistics/src/thompson.js'"));
const target = process.argv[2];
const out = compile(join(root, target)); // benches import ../libs/statistics/src/*.js by relative path
process.argv.splice(2, 1);
await import(pathToFileURL(out).href);
