export interface JobSourceRow {
  id: string;
  name: string;
  type: string;
  url: string | null;
  file: string | null;
  startUrls: string[];
  schedule: string | null;
  owner: string | null;
  enabled: boolean;
  lastRunAt: string | null;
}

export interface SourceRunRow {
  id: string;
  sourceName: string | null;
  trigger: string;
  status: string;
  progress: number;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  expired: number;
  rejected: number;
  rejections: Array<{ line: number; field: string | null; reason: string }>;
  skipped: Array<{ url: string; reason: string }>;
  error: string | null;
  queuedAt: string;
  durationMs: number | null;
}

export const SOURCES_PAGE = `query ConsoleSources { sources(limit: 500) { items { id name type url file startUrls schedule owner enabled lastRunAt } }
  runs: sourceRuns(limit: 100) { items { id sourceName trigger status progress fetched new updated unchanged duplicates expired rejected
    rejections { line field reason } skipped { url reason } error queuedAt durationMs } } }`;
export const SYNC_SOURCE = `mutation ConsoleSyncSource($source: String!) { run: syncSource(source: $source) { id } }`;

/** Where a source reads from, in one line. */
export const sourceTarget = (s: Pick<JobSourceRow, 'url' | 'file' | 'startUrls'>): string => s.url ?? s.file ?? (s.startUrls.length > 1 ? `${s.startUrls[0]} (+${s.startUrls.length - 1})` : (s.startUrls[0] ?? ''));

/** A run still moving (the page polls while one is). */
export const isLive = (runs: ReadonlyArray<Pick<SourceRunRow, 'status'>>): boolean => runs.some((r) => r.status === 'queued' || r.status === 'running');
