import type { Seniority } from '@app/market';

const ABBREVIATIONS: Record<string, string> = {
  sr: 'senior', snr: 'senior', jr: 'junior', jnr: 'junior', eng: 'engineer', engr: 'engineer', mgr: 'manager',
  dev: 'developer', devs: 'developers', admin: 'administrator', asst: 'assistant', assoc: 'associate', exec: 'executive',
  dir: 'director', vp: 'vice president', svp: 'senior vice president', mgmt: 'management', ops: 'operations',
  acct: 'accountant', rep: 'representative', coord: 'coordinator', spec: 'specialist', tech: 'technician',
  rn: 'registered nurse', lpn: 'licensed practical nurse', qa: 'quality assurance', swe: 'software engineer',
};

/** Words that express seniority: stripped from the normalised title, used to infer seniority. */
const SENIORITY_WORDS = new Set(['senior', 'junior', 'lead', 'principal', 'staff', 'intern', 'internship', 'trainee', 'entry', 'level', 'mid', 'head', 'chief', 'i', 'ii', 'iii', 'iv']);

/** Gender markers common in European postings: (m/f/d), (m/w/d), (f/m/x), (h/f), (w/m) … */
const GENDER_MARKER = /\(\s*[mfwdxh](\s*[/|,]\s*[mfwdxh]){1,2}\s*\)|\b[mfwdh]\/[mfwdh](\/[mfwdxh])?\b/gi;

function expand(title: string): string[] {
  const cleaned = title
    .toLowerCase()
    .replace(GENDER_MARKER, ' ')
    .replace(/[^\p{L}\p{N}+#]+/gu, ' ')
    .trim();
  const words: string[] = [];
  for (const w of cleaned.split(/\s+/).filter(Boolean)) words.push(...(ABBREVIATIONS[w] ?? w).split(' '));
  return words;
}

/**
 * Normalised title: lowercase, gender markers and punctuation removed, abbreviations expanded
 * (sr→senior, eng→engineer, mgr→manager, dev→developer…), seniority words stripped.
 * "Sr. Software Eng (m/f/d)" → "software engineer".
 */
export function normalizeTitle(title: string): string {
  const words = expand(title);
  const kept = words.filter((w) => !SENIORITY_WORDS.has(w));
  // A title made only of seniority words ("Lead") keeps them rather than becoming empty.
  return (kept.length ? kept : words).join(' ');
}

/** Seniority inferred from the words of a title; null when it says nothing about seniority. */
export function inferSeniority(title: string): Seniority | null {
  const words = expand(title);
  const has = (...ws: string[]) => ws.some((w) => words.includes(w));
  const text = ` ${words.join(' ')} `;
  if (has('intern', 'internship', 'trainee') || text.includes(' working student ')) return 'intern';
  if (has('chief', 'cto', 'ceo', 'cfo', 'coo', 'cio', 'president') || text.includes(' head of ') || has('director', 'vp')) return 'executive';
  if (has('lead', 'principal', 'staff', 'architect') || has('iv')) return 'lead';
  if (has('senior') || has('iii')) return 'senior';
  if (has('junior', 'graduate', 'apprentice') || text.includes(' entry level ') || has('i')) return 'junior';
  if (has('ii', 'mid')) return 'mid';
  return null;
}
