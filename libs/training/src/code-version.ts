import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './fit-runner.js';

let cached: string | undefined;

/** The git commit of the running code (read once per process), else "v<package version>". */
export function codeVersion(): string {
  if (cached) return cached;
  const root = repoRoot();
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim();
    if (/^[0-9a-f]{40}$/.test(sha)) return (cached = sha);
  } catch {
    // not a git checkout (an installed package or a container image): fall back to the package version
  }
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
    return (cached = `v${pkg.version ?? '0.0.0'}`);
  } catch {
    return (cached = 'unknown');
  }
}
