import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { RegistryService } from '@app/registry';
import { startInProcessApi } from '../../../../e2e/support/in-process-api.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';

// The built CLI (jest's global setup builds it) manages webhooks and promotes; a worker booted in this process
// delivers to a real HTTP receiver. Asynchronous CLI calls: with embedded PGlite this process serves the database.
const CLI = 'dist/apps/cli/src/main.js';

describe('matchlab webhooks (built CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let close: () => Promise<void>;
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node', [CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createTestDatabase('cli_webhooks');
    env = appEnv(db);
    ({ app, close } = await startInProcessApi(db, { withWorker: true, env: { QUEUE_PREFIX: env['QUEUE_PREFIX']! } }));
    const registry = app.get(RegistryService);
    await registry.registerModel({ name: 'jobs-pop', strategy: 'popularity', owner: 'test' });
    await registry.createVersion('jobs-pop', { artifact: Buffer.from('w1'), artifactFormat: 'test/1', params: {}, dataset: {}, codeVersion: 'abc', trainingSeconds: 1, createdBy: 'test' });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/matchlab`;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await close?.();
    await db?.drop();
  });

  it('creates a webhook (secret shown once), delivers a CLI promotion to it, shows the delivery log, disables it', async () => {
    const created = await run(['webhooks', 'create', '--url', url, '--events', 'alias.moved', '--description', 'deploys', '--json']);
    expect(created.code).toBe(0);
    const hook = JSON.parse(created.stdout);
    expect(hook).toMatchObject({ id: '1', url, eventTypes: ['alias.moved'], models: [], enabled: true, description: 'deploys', secret: expect.stringMatching(/^whsec_/) });

    const listed = JSON.parse((await run(['webhooks', 'list', '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ id: '1', secretHint: `${hook.secret.slice(0, 10)}…` })]);
    expect(listed[0].secret).toBeUndefined();

    expect((await run(['models', 'promote', 'jobs-pop', '1', '--reason', 'cli test'])).code).toBe(0);
    const end = Date.now() + 15_000;
    while (received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(1);
    expect(new Webhook(hook.secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>)).toMatchObject({
      type: 'alias.moved',
      data: { model: 'jobs-pop', alias: 'champion', toVersion: 1, fromVersion: null, actor: expect.stringMatching(/^cli:/), reason: 'cli test' },
    });

    let deliveries: any[] = [];
    while (deliveries[0]?.status !== 'succeeded' && Date.now() < end) deliveries = JSON.parse((await run(['webhooks', 'deliveries', '1', '--json'])).stdout);
    expect(deliveries).toEqual([expect.objectContaining({ eventType: 'alias.moved', model: 'jobs-pop', status: 'succeeded', attempts: 1, responseStatus: 204, messageId: received[0]!.headers['webhook-id'] })]);
    const human = await run(['webhooks', 'deliveries', '1']);
    expect(human.stdout).toMatch(/alias\.moved\s+jobs-pop\s+succeeded attempts 1 {2}HTTP 204 {2}evt_[0-9a-f]{32}\n$/);

    expect((await run(['webhooks', 'disable', '1', '--reason', 'rotating'])).stdout).toBe('webhook 1 disabled\n');
    expect((await run(['webhooks', 'list'])).stdout).toContain('disabled  ' + url);
  }, 90_000);

  it('names bad input in one line and exits 1', async () => {
    const ftp = await run(['webhooks', 'create', '--url', 'ftp://example.com/x']);
    expect(ftp).toMatchObject({ code: 1, stderr: 'matchlab: webhook URL must use http or https, got ftp\n' });
    const events = await run(['webhooks', 'create', '--url', 'https://example.com', '--events', 'alias.moved,alias.deleted']);
    expect(events.stderr).toContain('unknown event type "alias.deleted"');
    const missing = await run(['webhooks', 'deliveries', '999']);
    expect(missing).toMatchObject({ code: 1, stderr: 'matchlab: webhook 999 not found\n' });
  }, 60_000);
});
