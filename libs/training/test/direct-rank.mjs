// Ranks candidates with a registered version loaded directly from the database by the built recsys library
// (no serving layer): node libs/training/test/direct-rank.mjs <DATABASE_URL> <model> <version> <k> <candidate id>...
import pg from 'pg';

const { loadRecommender } = await import(new URL('../../../dist/libs/recsys/src/index.js', import.meta.url).href);
const [url, model, version, k, ...candidates] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query(
  `SELECT a.content FROM model_versions v JOIN models m ON m.id = v.model_id JOIN model_artifacts a ON a.sha256 = v.artifact_sha256
    WHERE m.name = $1 AND v.version = $2`,
  [model, Number(version)],
);
await client.end();
const rec = await loadRecommender(rows[0].content);
const out = {};
for (const c of candidates) {
  out[c] = rec.recommend(rec.catalog.candidateIds.indexOf(c), Number(k)).map((s) => ({ id: rec.catalog.jobIds[s.job], score: s.score }));
}
// A marked line: importing the library may print other lines to stdout.
process.stdout.write(`\nRESULT ${JSON.stringify(out)}\n`);
