import cluster, { type Worker } from 'node:cluster';
import { writeSync } from 'node:fs';

/**
 * API_PROCESSES > 1: this process becomes a supervisor that forks that many API processes sharing one port
 * (node:cluster hands connections round-robin). Each child is a complete API process — the same as N instances behind
 * a load balancer: every piece of shared state lives in PostgreSQL and Redis, per-process caches are invalidated by
 * broadcasts (README "Running at scale"). A child that dies is restarted (at most once a second); SIGTERM/SIGINT stop
 * every child gracefully and the supervisor exits with the worst exit code.
 *
 * Returns true in the supervisor (the caller must not start an API itself), false in a child or when N is 1.
 */
export function superviseApiProcesses(processes: number, log: (line: string) => void = (l) => writeSync(1, `${l}\n`)): boolean {
  if (processes <= 1 || !cluster.isPrimary) return false;
  let stopping = false, exitCode = 0, lastFork = 0;
  const live = new Set<Worker>();
  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) {
        exitCode = Math.max(exitCode, code ?? 1);
        if (live.size === 0) process.exit(exitCode);
        return;
      }
      log(`api process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
      const wait = Math.max(0, 1000 - (Date.now() - lastFork));
      setTimeout(() => { lastFork = Date.now(); fork(); }, wait);
    });
  };
  for (let i = 0; i < processes; i++) fork();
  lastFork = Date.now();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (live.size === 0) process.exit(0);
    for (const w of live) w.process.kill(signal);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGTERM'));
  log(`Matchlab API: ${processes} processes sharing the port (API_PROCESSES)`);
  return true;
}
