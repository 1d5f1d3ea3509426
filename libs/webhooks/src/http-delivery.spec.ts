import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from './http-delivery.js';

// A real HTTP server on a free port: what the sender does on the wire, not a mock of it.
describe('postWebhook', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_q, s) => s.writeHead(204).end(),
    '/redirect': (_q, s) => s.writeHead(302, { location: `${base}/ok` }).end(),
    '/slow': () => undefined, // never answers
    '/busy': (_q, s) => s.writeHead(503, { 'retry-after': '7' }).end('try later'),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url!, headers: req.headers, body });
        routes[req.url!]?.(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('POSTs the body as JSON with the given headers', async () => {
    const r = await postWebhook(`${base}/ok`, '{"a":1}', { 'webhook-id': 'evt_1' }, { timeoutMs: 2000, allowPrivate: true });
    expect(r).toMatchObject({ status: 204 });
    const req = seen.find((s) => s.url === '/ok')!;
    expect(req.body).toBe('{"a":1}');
    expect(req.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'evt_1', 'user-agent': 'Matchlab-Webhooks/1.0' });
  });

  it('does not follow a redirect: the 302 is the answer', async () => {
    const before = seen.filter((s) => s.url === '/ok').length;
    const r = await postWebhook(`${base}/redirect`, '{}', {}, { timeoutMs: 2000, allowPrivate: true });
    expect(r.status).toBe(302);
    expect(seen.filter((s) => s.url === '/ok').length).toBe(before);
  });

  it('gives up after the timeout with no status', async () => {
    const t0 = Date.now();
    const r = await postWebhook(`${base}/slow`, '{}', {}, { timeoutMs: 300, allowPrivate: true });
    expect(r).toMatchObject({ status: null, error: 'timed out after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('reports Retry-After and the start of the answer', async () => {
    const r = await postWebhook(`${base}/busy`, '{}', {}, { timeoutMs: 2000, allowPrivate: true });
    expect(r).toMatchObject({ status: 503, retryAfterMs: 7000, responseSnippet: 'try later' });
  });

  it('refuses a loopback address, literal or resolved, when private targets are not allowed', async () => {
    const before = seen.length;
    expect(await postWebhook(`${base}/ok`, '{}', {}, { timeoutMs: 2000, allowPrivate: false })).toMatchObject({ status: null, error: 'blocked: 127.0.0.1 is a private or loopback address' });
    const viaName = await postWebhook(`${base.replace('127.0.0.1', 'localhost')}/ok`, '{}', {}, { timeoutMs: 2000, allowPrivate: false });
    expect(viaName).toMatchObject({ status: null, error: expect.stringContaining('resolves to a private or loopback address') });
    expect(seen.length).toBe(before);
  });

  it('reports a refused connection as an error without status', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, { timeoutMs: 2000, allowPrivate: true });
    expect(r).toMatchObject({ status: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});
