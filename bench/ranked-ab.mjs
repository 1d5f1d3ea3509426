// rankedJobs latency A/B: alternating sequential requests against two running API processes on the same database (e.g. the
// build before a change and after it), so both see the same machine load. Needs an API key with the alerts permission:
//   API_KEY=mlk_… node bench/ranked-ab.mjs PORT_A PORT_B [pairs=300]  (candidate ids 1..2000: the synthetic market seed)
import http from 'node:http';
const key = process.env.API_KEY;
if (!key) { console.error('set API_KEY'); process.exit(1); }
const [portA, portB, n = '300'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true });
const q = (c) => JSON.stringify({ query: `{ rankedJobs(candidateId: "${c}", limit: 10) { rankingId jobs { position score job { id title } } } }` });
const send = (port, c) => new Promise((resolve, reject) => {
  const b = q(c), t0 = performance.now();
  const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': key, 'content-length': Buffer.byteLength(b) } }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => { if (body.includes('"errors"')) reject(new Error(body)); resolve(performance.now() - t0); });
  });
  req.on('error', reject); req.end(b);
});
const a = [], b = [];
for (let i = 0; i < 20; i++) { await send(portA, 1 + i); await send(portB, 1 + i); }
for (let i = 0; i < Number(n); i++) {
  const c = 1 + Math.floor(Math.random() * 2000);
  if (i % 2) { a.push(await send(portA, c)); b.push(await send(portB, c)); } else { b.push(await send(portB, c)); a.push(await send(portA, c)); }
}
const st = (x) => { x.sort((p, q) => p - q); const at = (f) => x[Math.min(x.length - 1, Math.floor(x.length * f))].toFixed(1); return `p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} ms (n ${x.length})`; };
console.log(`port ${portA}: ${st(a)}\nport ${portB}: ${st(b)}`);
process.exit(0);
