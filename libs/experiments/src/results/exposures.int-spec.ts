import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { AuthService } from '@app/auth';
import { graphql, loginAsAdmin } from '../../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { ExperimentsService } from '../experiments.service.js';
import type { RankingEvent } from '../exposure-writer.js';
import { insertUnitsAndJobs } from '../../test/experiment-fixture.js';

const DAY_MS = 86_400_000;

// experimentExposures on a real database: lists written through the service's writer, counts read back per day.
describe('experiment exposures per day', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let analyst: string;
  let sql: pg.Client;
  let service: ExperimentsService;
  let units: string[] = [];
  let jobs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('experiment_exposures');
    ({ app, close } = await startInProcessApi(db));
    admin = await loginAsAdmin(app);
    await app.get(AuthService, { strict: false }).createUser('analyst@example.org', 'analyst-password-1', 'analyst');
    analyst = (await graphql<any>(app, 'mutation { login(email: "analyst@example.org", password: "analyst-password-1") { token } }')).data.login.token;
    service = app.get(ExperimentsService);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    ({ candidates: units, jobs } = await insertUnitsAndJobs(sql, { jobs: 5, candidates: 6 }));
  }, 300_000); // embedded PGlite boots and migrates slowly on a loaded machine
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('counts units, first-time units, lists and items per UTC day and variant of the current phase', async () => {
    const variants = [{ key: 'control', weight: 0.5, modelRef: 'm@champion' }, { key: 'treatment', weight: 0.5, modelRef: 'm/2' }];
    await service.create({ key: 'expo', variants, primaryMetric: 'click_rate' }, 'test');
    const ask = (token: string, phase?: number) => graphql<any>(app, `query($p: Int) { experimentExposures(key: "expo", phase: $p) { day variant units newUnits rankings items } }`, { p: phase ?? null }, token);
    expect((await ask(admin)).data.experimentExposures).toEqual([]); // a draft has no phase yet
    await service.start('expo');
    const { exp } = await service.compiledFor('expo');
    const day1 = Date.UTC(2026, 5, 1, 8), day2 = day1 + DAY_MS;
    const list = (id: string, unit: string, variant: string, at: number, items: number): RankingEvent => ({
      rankingId: id, experimentId: exp.id, phase: exp.phase, unitId: unit, variant, modelVersion: 'm/1', servedAt: new Date(at).toISOString(), jobIds: jobs.slice(0, items), scores: jobs.slice(0, items).map(() => 1),
    });
    // day 1: control u0 twice (3 + 2 items), u1 once (5); treatment u2 once (4)
    // day 2: control u0 again (5) and new u3 (1); treatment u2 again (2), new u4 (3), new u5 (3)
    await service.writeRankingBatch([
      list('a', units[0]!, 'control', day1, 3), list('b', units[0]!, 'control', day1 + 60_000, 2), list('c', units[1]!, 'control', day1, 5), list('d', units[2]!, 'treatment', day1, 4),
      list('e', units[0]!, 'control', day2, 5), list('f', units[3]!, 'control', day2, 1), list('g', units[2]!, 'treatment', day2, 2), list('h', units[4]!, 'treatment', day2, 3), list('i', units[5]!, 'treatment', day2, 3),
    ]);
    const rows = (await ask(analyst)).data.experimentExposures;
    expect(rows).toEqual([
      { day: '2026-06-01', variant: 'control', units: 2, newUnits: 2, rankings: 3, items: 10 },
      { day: '2026-06-01', variant: 'treatment', units: 1, newUnits: 1, rankings: 1, items: 4 },
      { day: '2026-06-02', variant: 'control', units: 2, newUnits: 1, rankings: 2, items: 6 },
      { day: '2026-06-02', variant: 'treatment', units: 3, newUnits: 2, rankings: 3, items: 8 },
    ]);
    // The same counts straight from SQL.
    const total = (await sql.query(`SELECT count(*) AS n, sum(items) AS i FROM experiment_rankings WHERE experiment_id = $1`, [exp.id])).rows[0];
    expect(rows.reduce((s: number, r: any) => s + r.rankings, 0)).toBe(Number(total.n));
    expect(rows.reduce((s: number, r: any) => s + r.items, 0)).toBe(Number(total.i));
    expect((await ask(admin, 2)).data.experimentExposures).toEqual([]); // no such phase yet: nothing logged
    expect((await ask(admin, -1)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql<any>(app, `{ experimentExposures(key: "nope") { day } }`, {}, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql<any>(app, `{ experimentExposures(key: "expo") { day } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
