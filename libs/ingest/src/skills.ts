import { SKILL_VOCABULARY } from './skills-vocabulary.js';

const ALIAS_TO_CANONICAL = new Map<string, string>();
const CANONICAL_DOMAIN = new Map<string, string>();
for (const [domain, skills] of Object.entries(SKILL_VOCABULARY)) {
  for (const [canonical, aliases] of Object.entries(skills)) {
    CANONICAL_DOMAIN.set(canonical, domain);
    for (const term of [canonical, ...aliases]) {
      const k = skillKey(term);
      if (!ALIAS_TO_CANONICAL.has(k)) ALIAS_TO_CANONICAL.set(k, canonical);
    }
  }
}
/** Longest alias in words: bounds the phrase length tried by extractSkills. */
const MAX_WORDS = Math.max(...[...ALIAS_TO_CANONICAL.keys()].map((k) => k.split(' ').length));

/** Lowercase, trim, collapse spaces; keeps the characters that matter in skill names (+ # . / -). */
function skillKey(term: string): string {
  return term.toLowerCase().replace(/[^\p{L}\p{N}+#./\-' ]+/gu, ' ').replace(/\s+/g, ' ').trim().replace(/^[.\-]+|[.\-/]+$/g, '');
}

/** All canonical skill names, sorted. */
export const CANONICAL_SKILLS: readonly string[] = [...CANONICAL_DOMAIN.keys()].sort();

/** The domain (tech, healthcare, sales, finance, operations, soft) of a canonical skill. */
export function skillDomain(canonical: string): string | undefined {
  return CANONICAL_DOMAIN.get(canonical);
}

/** The canonical name of one skill term, or null when it is not in the vocabulary. */
export function canonicalSkill(term: string): string | null {
  return ALIAS_TO_CANONICAL.get(skillKey(term)) ?? null;
}

/**
 * Maps a list of skill terms to canonical names (deduplicated, input order). Terms not in the vocabulary
 * are kept in normalised form (lowercase, trimmed) so nothing the source said is lost.
 */
export function canonicalSkills(terms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of terms) {
    const k = skillKey(t);
    if (!k) continue;
    out.add(ALIAS_TO_CANONICAL.get(k) ?? k);
  }
  return [...out];
}

/** Every word-boundary prefix of a multi-word alias ("machine learning ops" → "machine", "machine learning"). */
const ALIAS_PREFIXES = new Set<string>();
for (const k of ALIAS_TO_CANONICAL.keys()) {
  const words = k.split(' ');
  for (let n = 1; n < words.length; n++) ALIAS_PREFIXES.add(words.slice(0, n).join(' '));
}

/** skillKey of recently seen tokens: postings repeat the same words, and the Unicode regexes dominate otherwise. */
const tokenKeys = new Map<string, string>();
function tokenKey(token: string): string {
  let k = tokenKeys.get(token);
  if (k === undefined) {
    if (tokenKeys.size >= 100_000) tokenKeys.clear();
    k = skillKey(token);
    tokenKeys.set(token, k);
  }
  return k;
}

/**
 * Skills mentioned in free text: at each token, the longest word n-gram (up to the longest alias) that is a
 * vocabulary term; the n-gram grows only while it is still the prefix of some alias.
 * Single-letter and two-letter aliases that are also common words (e.g. "c", "r", "go", "it") need the
 * original casing/context to be trusted, so one-character terms are only matched when followed by a
 * "+", "#" or written uppercase as a standalone token.
 */
export function extractSkills(text: string | null | undefined): string[] {
  if (!text) return [];
  const tokens = text.split(/[\s,;:()[\]{}<>"!?|•*]+/u).map((t) => t.replace(/^[.\-/']+|[.\-/']+$/g, '')).filter(Boolean);
  const keys = tokens.map(tokenKey);
  const found = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    let matched = 0;
    let matchedSkill: string | undefined;
    let k = keys[i]!;
    for (let n = 1; n <= MAX_WORDS && i + n <= tokens.length; n++) {
      if (n > 1) k = `${k} ${keys[i + n - 1]!}`;
      const canonical = ALIAS_TO_CANONICAL.get(k);
      if (canonical && (n > 1 || trustShortToken(tokens[i]!, k))) {
        matched = n;
        matchedSkill = canonical;
      }
      if (!ALIAS_PREFIXES.has(k)) break;
    }
    if (matchedSkill) {
      found.add(matchedSkill);
      i += matched - 1;
    }
  }
  return [...found];
}

const AMBIGUOUS = new Set(['go', 'r', 'c', 'ts', 'py', 'node', 'word', 'security', 'training', 'lean', 'ux', 'hr', 'qc', 'it', 'ml', 'rn', 'pos', 'cad', 'english', 'spring', 'swift', 'rest', 'sales', 'retail', 'inventory', 'audit', 'tax', 'investment', 'banking', 'logistics', 'purchasing', 'scheduling', 'writing', 'teaching', 'triage', 'compliance', 'marketing', 'statistics', 'crm', 'security']);

/** Short or ambiguous single words count only when written as a name (uppercase / capitalised) or are longer known tech tokens. */
function trustShortToken(raw: string, k: string): boolean {
  if (!AMBIGUOUS.has(k) && k.length > 2) return true;
  if (k.length <= 2) return raw === raw.toUpperCase() && /\p{L}/u.test(raw) && !['IT', 'GO'].includes(raw);
  return true;
}
