import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningProcess {
  proc: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node <args>` from the repo root with exactly `env` (no inherited DATABASE_URL unless passed). */
export function startNode(args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d.toString()));
  proc.stderr!.on('data', (d) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    async waitFor(pattern, timeoutMs = 60000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const m = pattern.exec(out);
        if (m) return m[0];
        if (proc.exitCode !== null) throw new Error(`process exited (${proc.exitCode}) before ${pattern}:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${pattern}:\n${out.slice(-3000)}`);
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      return exit;
    },
  };
}

/** The parent's environment minus the service URLs, so a child runs on embedded defaults. */
export function envWithoutServices(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['DATABASE_URL'];
  delete env['REDIS_URL'];
  delete env['QUEUE_DATABASE_URL'];
  return { ...env, ...extra };
}
