import natural from 'natural';

const tokenizer = new natural.WordTokenizer();
const stop = new Set<string>(natural.stopwords);

/** Lower-cased word tokens without stopwords, Porter-stemmed. */
export function tokenize(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const t of tokenizer.tokenize(text.toLowerCase()) ?? []) {
    if (t.length < 2 || stop.has(t)) continue;
    out.push(natural.PorterStemmer.stem(t));
  }
  return out;
}

/** Canonical skill key: lower case, collapsed whitespace. */
export function skillKey(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** FNV-1a 32-bit hash (for hashed token features). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
