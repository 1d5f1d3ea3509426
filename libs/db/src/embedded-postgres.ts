import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serialiseExtendedProtocol } from './pglite-session-lock.js';

/** A running PGlite instance reachable over the Postgres wire protocol. */
export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface EndpointFile {
  pid: number;
  port: number;
}

/**
 * Starts PGlite persisted in `dir`, served by pglite-socket on a free local port, so the app reaches it
 * with the ordinary `pg` driver (same code path as a real server). When another Matchlab process already
 * serves this directory (PGlite allows one process per data dir), its endpoint is reused instead.
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dir, { recursive: true }); // PGlite does not create parent directories
  const endpointFile = `${dir}.endpoint.json`;
  const running = await liveEndpoint(endpointFile);
  if (running) return { url: running, owned: false, stop: async () => undefined };

  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  const db = await PGlite.create(dir);
  // Connections are cheap here (one PGlite session, multiplexed); every queue's Worker and Queue holds a pool of
  // its own, and Node's server resets connections beyond the limit.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 256 });
  serialiseExtendedProtocol(server);
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  writeFileSync(endpointFile, JSON.stringify({ pid: process.pid, port } satisfies EndpointFile));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    owned: true,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(endpointFile, { force: true });
    },
  };
}

async function liveEndpoint(file: string): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  let endpoint: EndpointFile;
  try {
    endpoint = JSON.parse(readFileSync(file, 'utf8')) as EndpointFile;
    process.kill(endpoint.pid, 0); // throws when the owner is gone
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
  const url = `postgres://postgres@127.0.0.1:${endpoint.port}/postgres`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function embeddedDataDirs(dataDir: string): { app: string; queue: string } {
  return { app: join(dataDir, 'pglite'), queue: join(dataDir, 'pglite-queue') };
}
