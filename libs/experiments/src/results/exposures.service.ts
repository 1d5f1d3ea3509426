import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExperimentError } from '../experiments.errors.js';
import { ExperimentsService } from '../experiments.service.js';

export interface DayExposure {
  day: string;
  variant: string;
  units: number;
  newUnits: number;
  rankings: number;
  items: number;
}

/** Exposure counts per UTC day and variant, straight from the logged lists (not cached: one indexed scan). */
@Injectable()
export class ExperimentExposuresService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
  ) {}

  async daily(key: string, phase?: number): Promise<DayExposure[]> {
    const exp = await this.experiments.get(key);
    const p = phase ?? exp.phase;
    if (!Number.isInteger(p) || p < 0) throw new ExperimentError('INVALID_INPUT', `phase must be a whole number ≥ 0, got ${p}`);
    if (p === 0) return [];
    const rows: Array<Record<string, string>> = await this.db.query(
      `WITH r AS (SELECT unit_id, variant, items, to_char(served_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM experiment_rankings WHERE experiment_id = $1 AND phase = $2),
            f AS (SELECT unit_id, variant, min(day) AS first_day FROM r GROUP BY unit_id, variant)
       SELECT r.day, r.variant, count(DISTINCT r.unit_id) AS units, count(*) AS rankings, sum(r.items) AS items,
              (SELECT count(*) FROM f WHERE f.variant = r.variant AND f.first_day = r.day) AS new_units
       FROM r GROUP BY r.day, r.variant ORDER BY r.day, r.variant`,
      [exp.id, p],
    );
    return rows.map((r) => ({ day: r['day']!, variant: r['variant']!, units: Number(r['units']), newUnits: Number(r['new_units']), rankings: Number(r['rankings']), items: Number(r['items']) }));
  }
}
