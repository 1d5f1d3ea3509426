import { runCli } from './main.js';

/**
 * Test support: runs the matchlab CLI in this process with `env` as the whole environment, capturing stdout and
 * stderr (the CLI reads its configuration from process.env, so it is swapped in for the run and restored after).
 */
export async function runCliCaptured(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = process.env, out: string[] = [], err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.env = { ...env };
  process.stdout.write = ((c: string) => { out.push(String(c)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => { err.push(String(c)); return true; }) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.env = saved;
  }
}
