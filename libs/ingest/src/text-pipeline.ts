import { createRequire } from 'node:module';

// natural's modules are loaded one by one: its index pulls in optional storage back-ends that print to stdout.
const require = createRequire(import.meta.url);
const { WordTokenizer } = require('natural/lib/natural/tokenizers/index.js') as { WordTokenizer: new () => { tokenize(text: string): string[] } };
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };
const { words: stopwords } = require('natural/lib/natural/util/stopwords.js') as { words: string[] };

const tokenizer = new WordTokenizer();
const STOP_WORDS = new Set<string>(stopwords);

export interface TextPipelineOptions {
  /** Apply the Porter stemmer (default true). */
  stem?: boolean;
  /** Drop English stop words (default true). */
  stopWords?: boolean;
}

/**
 * Tokenise → lowercase → remove stop words → stem (Porter), with the `natural` NLP library.
 * "The engineers were building scalable systems" → ["engin", "build", "scalabl", "system"].
 * Used for TF-IDF features and for the text compared by near-duplicate detection.
 */
export function textPipeline(text: string | null | undefined, opts: TextPipelineOptions = {}): string[] {
  if (!text) return [];
  const { stem = true, stopWords = true } = opts;
  const out: string[] = [];
  for (const raw of tokenizer.tokenize(text)) {
    const t = raw.toLowerCase();
    if (stopWords && STOP_WORDS.has(t)) continue;
    out.push(stem ? PorterStemmer.stem(t) : t);
  }
  return out;
}
