import { respondToList, DEFAULT_BEHAVIOUR, type BehaviourParams, type SimEventType } from './behaviour.js';
import type { SimMarket } from './generate.js';
import { stream } from './prng.js';
import { OCCUPATION_INDEX } from './taxonomy.js';
import { utility } from './utility.js';

const DAY_MS = 86_400_000;

export interface HistoryParams {
  /** Share of candidates that open their alerts on a given day. */
  activeShare: number;
  /** Probability that an active candidate has a second session that day. */
  secondSession: number;
  listSize: number;
  behaviour: BehaviourParams;
}

export const DEFAULT_HISTORY: HistoryParams = { activeShare: 0.2, secondSession: 0.25, listSize: 10, behaviour: DEFAULT_BEHAVIOUR };

export interface SimInteraction {
  eventId: string;
  candidateIndex: number;
  jobIndex: number;
  type: SimEventType;
  occurredAt: number;
  rankingId: string;
  position: number;
}

/** Binary search in a cumulative weight array. */
function drawCumulative(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  const x = r * cum[cum.length - 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * D days of logged interactions. Each day every candidate is active with probability `activeShare`
 * (sometimes twice); each session shows `listSize` jobs from a simple logging policy over the jobs live
 * for the whole day — 40% from the candidate's occupation, 30% by popularity, 30% uniformly at random,
 * deduplicated and shuffled into random positions — and the behaviour model turns it into events.
 * Calls `onDay(events)` once per day, in order; the output depends only on the market and the seed.
 */
export function simulateHistory(market: SimMarket, onDay: (day: number, events: SimInteraction[]) => void, h: HistoryParams = DEFAULT_HISTORY): void {
  const { seed, days } = market.params;
  const start = market.params.start.getTime();
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY_MS;
    const live = market.jobs.filter((j) => j.postedAt <= dayStart && j.expiresAt > dayStart + DAY_MS).map((j) => j.index);
    const events: SimInteraction[] = [];
    if (live.length === 0) {
      onDay(day, events);
      continue;
    }
    const byOccupation: number[][] = Array.from({ length: OCCUPATION_INDEX.size }, () => []);
    for (const j of live) byOccupation[OCCUPATION_INDEX.get(market.jobs[j]!.truth.occupation)!]!.push(j);
    const cum = new Float64Array(live.length);
    let acc = 0;
    live.forEach((j, i) => (cum[i] = acc += market.jobs[j]!.popularity));
    const size = Math.min(h.listSize, live.length);
    for (const cand of market.candidates) {
      const rng = stream(seed, 'day', day, 'candidate', cand.index);
      if (!rng.chance(h.activeShare)) continue;
      const sessions = rng.chance(h.secondSession) ? 2 : 1;
      let impressionsToday = 0;
      let sessionTime = dayStart + 6 * 3_600_000 + rng.int(10 * 3_600_000);
      for (let s = 0; s < sessions; s++) {
        const own = byOccupation[OCCUPATION_INDEX.get(cand.truth.occupation)!]!;
        const chosen = new Set<number>();
        const wantOwn = Math.round(size * 0.4);
        const wantPopular = Math.round(size * 0.3);
        for (let tries = 0; chosen.size < wantOwn && own.length && tries < size * 4; tries++) chosen.add(own[rng.int(own.length)]!);
        for (let tries = 0; chosen.size < wantOwn + wantPopular && tries < size * 4; tries++) chosen.add(live[drawCumulative(cum, rng.next())]!);
        for (let tries = 0; chosen.size < size && tries < size * 20; tries++) chosen.add(live[rng.int(live.length)]!);
        const list = rng.sample([...chosen], chosen.size);
        const utilities = list.map((j) => utility(cand.truth, market.jobs[j]!.truth));
        const rankingId = `sim-${seed}-r-${day}-${cand.index}-${s}`;
        for (const e of respondToList(utilities, impressionsToday, rng, h.behaviour)) {
          events.push({
            eventId: `sim-${seed}-e-${day}-${cand.index}-${s}-${e.position}-${e.type}`,
            candidateIndex: cand.index,
            jobIndex: list[e.position - 1]!,
            type: e.type,
            occurredAt: sessionTime + e.offsetMs,
            rankingId,
            position: e.position,
          });
        }
        impressionsToday += list.length;
        sessionTime += 3_600_000 + rng.int(4 * 3_600_000);
      }
    }
    onDay(day, events);
  }
}
