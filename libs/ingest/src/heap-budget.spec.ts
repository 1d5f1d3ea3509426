import { getHeapStatistics } from 'node:v8';
import { HeapBudget } from './heap-budget.js';

describe('HeapBudget', () => {
  it('collects once the heap grew by its slack, and not before', () => {
    const budget = new HeapBudget(16 * 1048576);
    budget.check();
    expect(budget.collections).toBe(0);
    let garbage: string[] | null = Array.from({ length: 400_000 }, (_, i) => `row ${i} ${'x'.repeat(40)}`); // ~40 MB
    expect(garbage.length).toBe(400_000);
    garbage = null;
    const before = getHeapStatistics().used_heap_size;
    budget.check();
    expect(budget.collections).toBe(1);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before - 16 * 1048576);
    budget.check(); // what stayed live is the new baseline
    expect(budget.collections).toBe(1);
  });
});
