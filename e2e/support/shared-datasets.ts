import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from '@jest/globals';

/**
 * The public datasets live beside the repository (../shared/datasets) and are never copied into it.
 * MATCHLAB_DATASETS_DIR points elsewhere, e.g. for a clone outside the usual workspace.
 */
export const DATASETS_DIR = resolve(process.env['MATCHLAB_DATASETS_DIR'] ?? join(process.cwd(), '..', 'shared', 'datasets'));
export const haveDatasets = existsSync(DATASETS_DIR);

/**
 * `it` when the datasets are present. Without them the test fails under MATCHLAB_REQUIRE_SERVICES=1 (set by
 * .ci/run, like the Redis-only tests), and elsewhere is left out with a visible note saying why.
 */
export function itWithDatasets(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (haveDatasets) {
    it(name, fn, timeout);
    return;
  }
  const why = `${DATASETS_DIR} is missing (set MATCHLAB_DATASETS_DIR)`;
  if (process.env['MATCHLAB_REQUIRE_SERVICES'] === '1') {
    it(name, () => {
      throw new Error(`"${name}" needs the public datasets, but ${why} and MATCHLAB_REQUIRE_SERVICES=1`);
    });
    return;
  }
  process.stdout.write(`NOTE: left out "${name}": ${why}\n`);
}
