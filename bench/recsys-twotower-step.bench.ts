// Two-tower training speed on MovieLens-100K (ms per step): `node bench/recsys-build.mjs bench/recsys-twotower-step.bench.ts`
import { fitRecommender, prepareBenchmark, readInteractionFile } from '@app/recsys';

const ml = prepareBenchmark(readInteractionFile('../shared/datasets/movielens-100k/ua.base', 'movielens'), readInteractionFile('../shared/datasets/movielens-100k/ua.test', 'movielens'));
const t0 = performance.now();
await fitRecommender('two-tower', ml.snapshot, { epochs: 1 }, (e) => console.log(JSON.stringify(e), ((performance.now() - t0) / 1000).toFixed(1), 's'));
const steps = Math.ceil(ml.snapshot.interactions.job.length / 1024);
const msPerStep = (performance.now() - t0) / steps;
console.log(`1 epoch = ${steps} steps: ${msPerStep.toFixed(1)} ms/step (incl. setup)`);
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'recsys-twotower-step', steps, msPerStep: Number(msPerStep.toFixed(1)) })}`);
