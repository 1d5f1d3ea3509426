import { describe, expect, it } from '@jest/globals';
import { parseModelRef } from './model-ref.js';
import { RegistryError } from './registry.errors.js';

describe('parseModelRef', () => {
  it('parses alias and version references', () => {
    expect(parseModelRef('jobs-als@champion')).toEqual({ model: 'jobs-als', alias: 'champion' });
    expect(parseModelRef('jobs-als/3')).toEqual({ model: 'jobs-als', version: 3 });
  });

  it.each(['jobs', 'Jobs@champion', 'jobs@Champ!', 'jobs/x', 'a@b@c', '@champion'])('rejects %s with INVALID_INPUT', (ref) => {
    expect(() => parseModelRef(ref)).toThrow(RegistryError);
    try {
      parseModelRef(ref);
    } catch (e) {
      expect((e as RegistryError).code).toBe('INVALID_INPUT');
    }
  });
});
