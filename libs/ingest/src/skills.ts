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

/**
 * Skills mentioned in free text: every word n-gram (up to the longest alias) that is a vocabulary term.
 * Single-letter and two-letter aliases that are also common words (e.g. "c", "r", "go", "it") need the
 * original casing/context to be trusted, so one-character terms are only matched when followed by a
 * "+", "#" or written uppercase as a standalone token.
 */
export function extractSkills(text: string | null | undefined): string[] {
  if (!text) return [];
  const tokens = text.split(/[\s,;:()[\]{}<>"!?|•*]+/u).map((t) => t.replace(/^[.\-/']+|[.\-/']+$/g, '')).filter(Boolean);
  const keys = tokens.map(skillKey);
  const found = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = Math.min(MAX_WORDS, tokens.length - i); n >= 1; n--) {
      const raw = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
      const k = n === 1 ? keys[i]! : keys.slice(i, i + n).join(' ');
      const canonical = ALIAS_TO_CANONICAL.get(k);
      if (!canonical) continue;
      if (n === 1 && !trustShortToken(raw, k)) continue;
      found.add(canonical);
      i += n - 1;
      break;
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
