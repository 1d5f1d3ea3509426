import { PiiCipher, piiContext } from '@app/pii';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { generateMarket, SIM_SOURCE, type SimMarket } from './generate.js';
import { simulateHistory, type SimInteraction } from './history.js';
import { SimulatorError } from './simulator.errors.js';
import type { RemotePreference } from './taxonomy.js';
import { MODEL_VERSION, type CandidateTruth, type JobTruth } from './utility.js';

export interface SimulateOptions {
  seed: number;
  candidates: number;
  jobs: number;
  days: number;
  /** Start of the simulated period; default: UTC midnight `days` days before today. Ignored when the market exists. */
  start?: Date;
  /** Rows per INSERT (and per transaction); does not change the data. */
  batchSize?: number;
}

export interface SimulateProgress {
  phase: 'companies' | 'jobs' | 'candidates' | 'interactions' | 'done';
  /** 0–100 over the whole run. */
  percent: number;
  rows: number;
}

export interface SimulateResult {
  marketId: string;
  seed: number;
  /** False when a completed market with this seed already existed (nothing was written). */
  created: boolean;
  start: string;
  companies: number;
  jobs: number;
  candidates: number;
  interactions: number;
  seconds: number;
}

interface MarketRow {
  id: string;
  seed: string;
  candidates: number;
  jobs: number;
  companies: number;
  days: number;
  start_at: Date;
  status: string;
  interactions: number | null;
}

const DAY_MS = 86_400_000;

/** Writes synthetic markets into the database and reads their ground truth back. */
@Injectable()
export class SimulatorService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  static defaultStart(days: number, now = new Date()): Date {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return new Date(midnight - days * DAY_MS);
  }

  async findMarket(seed: number): Promise<MarketRow | undefined> {
    const rows: MarketRow[] = await this.ds.query(`SELECT * FROM sim_markets WHERE seed = $1`, [seed]);
    return rows[0];
  }

  /**
   * Generates the market for `seed` and writes it (companies, jobs, candidates, truth, interactions).
   * Idempotent: a completed market with the same seed and sizes is left as is; an interrupted one is
   * completed (every insert skips rows that exist); the same seed with other sizes is a CONFLICT.
   */
  async simulateMarket(options: SimulateOptions, onProgress?: (p: SimulateProgress) => void | Promise<void>): Promise<SimulateResult> {
    const t0 = Date.now();
    const { seed, candidates, jobs, days } = options;
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SimulatorError('INVALID_INPUT', 'seed must be an integer in 0…4294967295');
    for (const [k, v, min] of [['candidates', candidates, 1], ['jobs', jobs, 1], ['days', days, 1]] as const) {
      if (!Number.isInteger(v) || v < min || v > 1_000_000) throw new SimulatorError('INVALID_INPUT', `${k} must be an integer in ${min}…1000000`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new SimulatorError('INVALID_INPUT', 'batchSize must be a positive integer');

    let market = await this.findMarket(seed);
    if (market && (market.candidates !== candidates || market.jobs !== jobs || market.days !== days)) {
      throw new SimulatorError('CONFLICT', `market with seed ${seed} already exists with ${market.candidates} candidates, ${market.jobs} jobs, ${market.days} days; use another seed`);
    }
    if (market?.status === 'completed') {
      await onProgress?.({ phase: 'done', percent: 100, rows: 0 });
      return this.result(market, false, t0);
    }
    const start = market ? new Date(market.start_at) : (options.start ?? SimulatorService.defaultStart(days));
    const sim = generateMarket({ seed, candidates, jobs, days, start });
    if (!market) {
      await this.ds.query(
        `INSERT INTO sim_markets (seed, model_version, candidates, jobs, companies, days, start_at, params)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (seed) DO NOTHING`,
        [seed, MODEL_VERSION, candidates, jobs, sim.params.companies, days, start.toISOString(), JSON.stringify({ latentDim: 8, source: SIM_SOURCE })],
      );
      market = (await this.findMarket(seed))!;
    }
    const marketId = market.id;

    let rows = 0;
    const entityTotal = sim.jobs.length + sim.candidates.length;
    const report = async (phase: SimulateProgress['phase'], fraction: number) => {
      await onProgress?.({ phase, percent: Math.min(100, Math.round(fraction * 1000) / 10), rows });
    };

    const companyIds = await this.writeCompanies(sim);
    rows += sim.companies.length;
    await report('companies', 0.01);
    let entityRows = 0;
    const jobIds = await this.writeJobs(sim, marketId, companyIds, batchSize, async (done) => {
      rows += done;
      entityRows += done;
      await report('jobs', 0.01 + (0.49 * entityRows) / entityTotal);
    });
    const candidateIds = await this.writeCandidates(sim, marketId, batchSize, async (done) => {
      rows += done;
      entityRows += done;
      await report('candidates', 0.01 + (0.49 * entityRows) / entityTotal);
    });

    // Interactions: generated day by day, written in batches; each day's events in one transaction.
    let interactionCount = 0;
    const pending: Array<{ day: number; events: SimInteraction[] }> = [];
    simulateHistory(sim, (day, events) => pending.push({ day, events }));
    for (const { day, events } of pending) {
      await this.ds.transaction(async (m) => {
        for (let i = 0; i < events.length; i += batchSize) {
          await this.insertInteractions(m, events.slice(i, i + batchSize), jobIds, candidateIds);
        }
      });
      interactionCount += events.length;
      rows += events.length;
      await report('interactions', 0.5 + (0.5 * (day + 1)) / days);
    }

    await this.ds.query(`UPDATE sim_markets SET status = 'completed', interactions = $2, completed_at = now() WHERE id = $1`, [marketId, interactionCount]);
    await report('done', 1);
    return this.result((await this.findMarket(seed))!, true, t0);
  }

  private result(m: MarketRow, created: boolean, t0: number): SimulateResult {
    return {
      marketId: String(m.id),
      seed: Number(m.seed),
      created,
      start: new Date(m.start_at).toISOString(),
      companies: m.companies,
      jobs: m.jobs,
      candidates: m.candidates,
      interactions: m.interactions ?? 0,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
  }

  private async writeCompanies(sim: SimMarket): Promise<string[]> {
    const names = sim.companies.map((c) => c.name);
    const norm = sim.companies.map((c) => c.normalizedName);
    await this.ds.query(
      `INSERT INTO companies (name, normalized_name) SELECT * FROM unnest($1::varchar[], $2::varchar[]) ON CONFLICT (normalized_name) DO NOTHING`,
      [names, norm],
    );
    const rows: Array<{ id: string; normalized_name: string }> = await this.ds.query(`SELECT id, normalized_name FROM companies WHERE normalized_name = ANY($1::varchar[])`, [norm]);
    const byName = new Map(rows.map((r) => [r.normalized_name, String(r.id)]));
    return sim.companies.map((c) => byName.get(c.normalizedName)!);
  }

  private async idsByExternalId(m: EntityManager, table: 'jobs' | 'candidates', externalIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; external_id: string }> = await m.query(`SELECT id, external_id FROM ${table} WHERE source = $1 AND external_id = ANY($2::varchar[])`, [SIM_SOURCE, externalIds]);
    return new Map(rows.map((r) => [r.external_id, String(r.id)]));
  }

  private async writeJobs(sim: SimMarket, marketId: string, companyIds: string[], batchSize: number, progress: (n: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = new Array(sim.jobs.length);
    for (let i = 0; i < sim.jobs.length; i += batchSize) {
      const batch = sim.jobs.slice(i, i + batchSize);
      await this.ds.transaction(async (m) => {
        const cols = 23;
        const params: unknown[] = [];
        const values: string[] = [];
        for (const j of batch) {
          const b = params.length;
          values.push(`(${Array.from({ length: cols }, (_, k) => `$${b + k + 1}`).join(',')})`);
          params.push(
            SIM_SOURCE, j.externalId, companyIds[j.companyIndex], j.title, j.normalizedTitle, j.description, j.skills, j.city, j.region, j.country, j.remote,
            j.salaryMin, j.salaryMax, j.salaryCurrency, j.salaryPeriod, j.salaryAnnualMin, j.salaryAnnualMax, j.seniority, j.employmentType,
            new Date(j.postedAt).toISOString(), new Date(j.expiresAt).toISOString(), j.contentHash, j.status,
          );
        }
        await m.query(
          `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, region, country, remote,
             salary_min, salary_max, salary_currency, salary_period, salary_annual_min, salary_annual_max, seniority, employment_type,
             posted_at, expires_at, content_hash, status)
           VALUES ${values.join(',')} ON CONFLICT (source, external_id) DO NOTHING`,
          params,
        );
        const byExt = await this.idsByExternalId(m, 'jobs', batch.map((j) => j.externalId));
        batch.forEach((j) => (ids[j.index] = byExt.get(j.externalId)!));
        const t = batch.map((j) => j.truth);
        await m.query(
          `INSERT INTO sim_job_truth (job_id, market_id, occupation, skills, seniority_level, salary_annual_max_usd, lat, lon, remote, quality, latent)
           SELECT u.job_id, $1, u.occupation, string_to_array(u.skills, '|'), u.level, u.salary, u.lat, u.lon, u.remote, u.quality, string_to_array(u.latent, ',')::double precision[]
           FROM unnest($2::bigint[], $3::varchar[], $4::text[], $5::smallint[], $6::double precision[], $7::double precision[], $8::double precision[], $9::boolean[], $10::double precision[], $11::text[])
             AS u(job_id, occupation, skills, level, salary, lat, lon, remote, quality, latent)
           ON CONFLICT (job_id) DO NOTHING`,
          [marketId, batch.map((j) => ids[j.index]), t.map((x) => x.occupation), t.map((x) => x.skills.join('|')), t.map((x) => x.seniorityLevel),
            t.map((x) => x.salaryAnnualMaxUsd), t.map((x) => x.lat), t.map((x) => x.lon), t.map((x) => x.remote), t.map((x) => x.quality), t.map((x) => x.latent.join(','))],
        );
      });
      await progress(batch.length);
    }
    return ids;
  }

  private async writeCandidates(sim: SimMarket, marketId: string, batchSize: number, progress: (n: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = new Array(sim.candidates.length);
    const pii = await PiiCipher.current();
    for (let i = 0; i < sim.candidates.length; i += batchSize) {
      const batch = sim.candidates.slice(i, i + batchSize);
      await this.ds.transaction(async (m) => {
        const cols = 18;
        const params: unknown[] = [];
        const values: string[] = [];
        for (const c of batch) {
          const b = params.length;
          values.push(`(${Array.from({ length: cols }, (_, k) => `$${b + k + 1}`).join(',')})`);
          params.push(
            SIM_SOURCE, c.externalId, pii.encrypt(c.name, piiContext.candidateName(SIM_SOURCE, c.externalId)), pii.encrypt(c.email, piiContext.candidateEmail(SIM_SOURCE, c.externalId)),
            pii.emailIndex(c.email), pii.profileDigest(c.name, c.email), c.city, c.region, c.country, c.desiredTitles, c.skills, c.yearsExperience, c.educationLevel,
            c.salaryExpectation, JSON.stringify(c.preferences), c.consentAlerts, c.consentTraining, c.timeZone,
          );
        }
        await m.query(
          `INSERT INTO candidates (source, external_id, name_enc, email_enc, email_index, pii_digest, city, region, country, desired_titles, skills, years_experience, education_level,
             salary_expectation, preferences, consent_alerts, consent_training, time_zone)
           VALUES ${values.join(',')} ON CONFLICT (source, external_id) DO NOTHING`,
          params,
        );
        const byExt = await this.idsByExternalId(m, 'candidates', batch.map((c) => c.externalId));
        batch.forEach((c) => (ids[c.index] = byExt.get(c.externalId)!));
        const t = batch.map((c) => c.truth);
        await m.query(
          `INSERT INTO sim_candidate_truth (candidate_id, market_id, occupation, skills, seniority_level, salary_expectation_usd, lat, lon, remote_preference, latent)
           SELECT u.candidate_id, $1, u.occupation, string_to_array(u.skills, '|'), u.level, u.salary, u.lat, u.lon, u.pref, string_to_array(u.latent, ',')::double precision[]
           FROM unnest($2::bigint[], $3::varchar[], $4::text[], $5::smallint[], $6::double precision[], $7::double precision[], $8::double precision[], $9::varchar[], $10::text[])
             AS u(candidate_id, occupation, skills, level, salary, lat, lon, pref, latent)
           ON CONFLICT (candidate_id) DO NOTHING`,
          [marketId, batch.map((c) => ids[c.index]), t.map((x) => x.occupation), t.map((x) => x.skills.join('|')), t.map((x) => x.seniorityLevel),
            t.map((x) => x.salaryExpectationUsd), t.map((x) => x.lat), t.map((x) => x.lon), t.map((x) => x.remotePreference), t.map((x) => x.latent.join(','))],
        );
      });
      await progress(batch.length);
    }
    return ids;
  }

  private async insertInteractions(m: EntityManager, events: SimInteraction[], jobIds: string[], candidateIds: string[]): Promise<void> {
    if (!events.length) return;
    await m.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, position, source)
       SELECT u.event_id, u.candidate_id, u.job_id, u.type, u.occurred_at, u.ranking_id, u.position, $1
       FROM unnest($2::varchar[], $3::bigint[], $4::bigint[], $5::varchar[], $6::timestamptz[], $7::varchar[], $8::integer[])
         AS u(event_id, candidate_id, job_id, type, occurred_at, ranking_id, position)
       ON CONFLICT (event_id) DO NOTHING`,
      [SIM_SOURCE, events.map((e) => e.eventId), events.map((e) => candidateIds[e.candidateIndex]), events.map((e) => jobIds[e.jobIndex]), events.map((e) => e.type),
        events.map((e) => new Date(e.occurredAt).toISOString()), events.map((e) => e.rankingId), events.map((e) => e.position)],
    );
  }

  /** Ground truth for the given database ids (jobs and/or candidates), keyed by id. */
  async loadTruth(ids: { candidateIds?: readonly string[]; jobIds?: readonly string[] }): Promise<{ candidates: Map<string, CandidateTruth>; jobs: Map<string, JobTruth> }> {
    const candidates = new Map<string, CandidateTruth>();
    const jobs = new Map<string, JobTruth>();
    if (ids.candidateIds?.length) {
      const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM sim_candidate_truth WHERE candidate_id = ANY($1::bigint[])`, [ids.candidateIds]);
      for (const r of rows) {
        candidates.set(String(r['candidate_id']), {
          occupation: r['occupation'] as string,
          skills: r['skills'] as string[],
          seniorityLevel: Number(r['seniority_level']),
          salaryExpectationUsd: Number(r['salary_expectation_usd']),
          lat: Number(r['lat']),
          lon: Number(r['lon']),
          remotePreference: r['remote_preference'] as RemotePreference,
          latent: (r['latent'] as Array<number | string>).map(Number),
        });
      }
    }
    if (ids.jobIds?.length) {
      const rows: Array<Record<string, unknown>> = await this.ds.query(`SELECT * FROM sim_job_truth WHERE job_id = ANY($1::bigint[])`, [ids.jobIds]);
      for (const r of rows) {
        jobs.set(String(r['job_id']), {
          occupation: r['occupation'] as string,
          skills: r['skills'] as string[],
          seniorityLevel: Number(r['seniority_level']),
          salaryAnnualMaxUsd: Number(r['salary_annual_max_usd']),
          lat: Number(r['lat']),
          lon: Number(r['lon']),
          remote: Boolean(r['remote']),
          latent: (r['latent'] as Array<number | string>).map(Number),
          quality: Number(r['quality']),
        });
      }
    }
    return { candidates, jobs };
  }
}
