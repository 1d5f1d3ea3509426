import { createRequire } from 'node:module';

// natural's tokenizer, Porter stemmer and stopword list, loaded by file: the package index also pulls in its
// sentiment analyser, whose ESM-only dependency breaks jest's CommonJS loader.
const require = createRequire(import.meta.url);
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as { WordTokenizer: new () => { tokenize(s: string): string[] } };
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(s: string): string };
const stopwords = (require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words;
const tokenizer = new WordTokenizer();
const stop = new Set<string>(stopwords);

/** Lower-cased word tokens without stopwords, Porter-stemmed. */
export function tokenize(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const t of tokenizer.tokenize(text.toLowerCase()) ?? []) {
    if (t.length < 2 || stop.has(t)) continue;
    out.push(PorterStemmer.stem(t));
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
