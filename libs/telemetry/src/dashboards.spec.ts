import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformMetrics } from './metrics.js';

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

describe('Grafana dashboards', () => {
  const exported = new Set(new PlatformMetrics().registry.getMetricsAsArray().map((m) => m.name));
  const files = readdirSync('dashboards').filter((f) => f.endsWith('.json'));

  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s only queries metrics the code exports', (file) => {
    const dash = JSON.parse(readFileSync(join('dashboards', file), 'utf8')) as { panels: Panel[] };
    const unknown: string[] = [];
    for (const panel of dash.panels) {
      for (const target of panel.targets ?? []) {
        for (const [name] of target.expr.matchAll(/matchlab_[a-z0-9_]+/g)) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          if (!exported.has(base) && !exported.has(name)) unknown.push(`${panel.title}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
