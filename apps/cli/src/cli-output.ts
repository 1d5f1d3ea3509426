import cliProgress from 'cli-progress';

/** A failure the user can act on: printed as one line, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Human output by default; `--json` prints one JSON document for scripts. */
export function printResult(result: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
}

export interface ProgressReporter {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

/** A progress bar on stderr (so `--json` stdout stays clean); silent when stderr is not a terminal or with --json. */
export function progressBar(label: string, total: number, enabled: boolean): ProgressReporter {
  if (!enabled || !process.stderr.isTTY) {
    let lastLog = 0;
    return {
      update(done, extra) {
        // Without a terminal, a line every 5 s still shows that long work is alive.
        if (enabled && Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          process.stderr.write(`${label}: ${done}/${total}${extra?.['rate'] !== undefined ? ` (${extra['rate']} rows/s)` : ''}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} rows/s | ETA {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  return {
    update: (done, extra) => bar.update(done, { rate: 0, ...extra }),
    stop: () => bar.stop(),
  };
}

/** A numeric option: undefined when absent, else a finite number (an integer when asked), else a CliError naming it. */
export function numberOption(name: string, raw: string | undefined, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new CliError(`INVALID_INPUT: --${name} must be ${integer ? 'an integer' : 'a number'}, got "${raw}"`);
  return v;
}

/** A `--params` style option holding a JSON object. */
export function jsonObjectOption(name: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CliError(`INVALID_INPUT: --${name} must be a JSON object, got ${raw}`);
}
