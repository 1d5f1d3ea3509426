import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';

/**
 * Fault injection for the e2e fault tests (e2e/fault-*.e2e-spec.ts): a private Redis that can be killed and
 * restarted, a TCP proxy whose connections can be cut, and a seeded random source. Nothing here touches the
 * machine's shared Redis or PostgreSQL.
 */

/**
 * Skip rule for tests that start their own `redis-server`: without the binary they are skipped with a NOTE,
 * unless MATCHLAB_REQUIRE_SERVICES=1 (CI), which turns the skip into a failure.
 */
export function redisServerOrSkip(what: string): string | undefined {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return 'redis-server';
  if (process.env['MATCHLAB_REQUIRE_SERVICES'] === '1') throw new Error(`${what} needs the redis-server binary, not found while MATCHLAB_REQUIRE_SERVICES=1`);
  process.stdout.write(`NOTE: skipped "${what}": needs the redis-server binary on PATH\n`);
  return undefined;
}

/** Skip rule for tests that need PostgreSQL itself (DATABASE_URL), as e2e/alerts-crash.e2e-spec.ts does. */
export function postgresUrlOrSkip(what: string): string | undefined {
  const url = process.env['DATABASE_URL'];
  if (url) return url;
  if (process.env['MATCHLAB_REQUIRE_SERVICES'] === '1') throw new Error(`${what} needs PostgreSQL, but DATABASE_URL is unset and MATCHLAB_REQUIRE_SERVICES=1`);
  process.stdout.write(`NOTE: skipped "${what}": needs PostgreSQL (set DATABASE_URL to run it)\n`);
  return undefined;
}

/**
 * A private redis-server on a free port, persisting with the append-only file fsynced on every write
 * (`--appendonly yes --appendfsync always`, no RDB snapshots). `crash()` SIGKILLs it (no shutdown save) and
 * `start()` brings it back on the same port and directory: every write Redis acknowledged survives. That is the
 * realistic fault for a queue server configured for durability; a restart of a Redis without persistence loses
 * the queue itself, a different fault (what Redis holds is then rebuilt from PostgreSQL, not resumed).
 */
export class PrivateRedis {
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'matchlab-redis-'));
  port = 0;
  restarts = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', ''];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let out = '';
    proc.stdout!.on('data', (d) => (out += d.toString()));
    proc.stderr!.on('data', (d) => (out += d.toString()));
    const end = Date.now() + 30_000;
    // "Ready to accept connections" comes after the AOF was loaded.
    while (!/Ready to accept connections/.test(out)) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}):\n${out}`);
      if (Date.now() > end) throw new Error(`redis-server not ready after 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  /** SIGKILL: the process dies without a shutdown save; returns when it is gone. */
  async crash(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await gone;
  }

  /** Kill, stay down for `downMs`, start again on the same port and data. */
  async restart(downMs: number): Promise<void> {
    await this.crash();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
    this.restarts++;
  }

  async stop(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A TCP proxy in the test process between an app and a server (PostgreSQL). `cut()` destroys every open
 * connection (both sides, as a network failure or a server-side termination does); `refuse(ms)` also drops every
 * new connection for a while (the server unreachable).
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private refuseUntil = 0;
  port = 0;
  connections = 0;
  cutConnections = 0;
  refused = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (Date.now() < this.refuseUntil) {
        this.refused++;
        client.destroy();
        return;
      }
      this.connections++;
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  get open(): number {
    return this.pairs.size;
  }

  /** Destroys every open connection; returns how many were cut. */
  cut(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    this.cutConnections += n;
    return n;
  }

  /** Drops new connections for `ms` (and cuts the open ones). */
  refuse(ms: number): number {
    this.refuseUntil = Date.now() + ms;
    return this.cut();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** mulberry32: a small seeded PRNG, so an injected failure pattern is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
