import { RegistryError } from './registry.errors.js';

export type ModelRef = { model: string; alias: string } | { model: string; version: number };

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const ALIAS = /^[a-z][a-z0-9_-]*$/;

/** "jobs-als@champion" or "jobs-als/3". */
export function parseModelRef(ref: string): ModelRef {
  const at = /^([^@/]+)@([^@/]+)$/.exec(ref);
  if (at) {
    assertModelName(at[1]!);
    assertAlias(at[2]!);
    return { model: at[1]!, alias: at[2]! };
  }
  const slash = /^([^@/]+)\/(\d+)$/.exec(ref);
  if (slash) {
    assertModelName(slash[1]!);
    return { model: slash[1]!, version: Number(slash[2]) };
  }
  throw new RegistryError('INVALID_INPUT', `model reference "${ref}" must look like name@alias or name/<version>`);
}

export function assertModelName(name: string): void {
  if (!NAME.test(name) || name.length > 100) {
    throw new RegistryError('INVALID_INPUT', `model name "${name}" must be lowercase letters, digits, '-' or '_' (starting with a letter or digit)`);
  }
}

export function assertAlias(alias: string): void {
  if (!ALIAS.test(alias) || alias.length > 64) {
    throw new RegistryError('INVALID_INPUT', `alias "${alias}" has invalid characters: use lowercase letters, digits, '-' or '_', starting with a letter`);
  }
}
