import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

/** Tags kept in a stored description: text structure only (no scripts, styles, forms, iframes, images, event handlers). */
const ALLOWED_TAGS = ['p', 'br', 'ul', 'ol', 'li', 'b', 'strong', 'i', 'em', 'u', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'a', 'div', 'span', 'table', 'thead', 'tbody', 'tr', 'td', 'th'];

/** Sanitised HTML: allow-listed structural tags, links with http(s)/mailto hrefs only, everything else dropped. */
export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  });
}

/** Entity-escaped HTML (`&lt;p&gt;…`, as Greenhouse sends it) is decoded first when it holds no real tag. */
export function decodeEscapedHtml(s: string): string {
  if (/<[a-z!/]/i.test(s) || !/&lt;[a-z/]/i.test(s)) return s;
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
}

const BLOCK = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'blockquote', 'pre']);

/**
 * Sanitised HTML → text in one htmlparser2 pass: paragraphs and headings separated by a blank line, list items as
 * ` * item` lines, `<br>` and table rows as line breaks, entities decoded, runs of white space collapsed.
 * (html-to-text did the same at ~1.2 ms per description — the bottleneck of a 100,000-job feed — this takes ~0.05 ms.)
 */
export function htmlToText(html: string): string {
  let out = '';
  const newlines = (n: number) => {
    out = out.replace(/[ \t]+$/, '');
    if (!out) return;
    const have = /\n*$/.exec(out)![0].length;
    if (have < n) out += '\n'.repeat(n - have);
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'li') {
          newlines(1);
          out += ' * ';
        } else if (name === 'br' || name === 'tr') newlines(1);
        else if (name === 'td' || name === 'th') out += ' ';
        else if (BLOCK.has(name)) newlines(2);
      },
      ontext(text) {
        const t = text.replace(/\s+/g, ' ');
        out += /(^|\n)$/.test(out) || / $/.test(out) ? t.replace(/^ /, '') : t;
      },
      onclosetag(name) {
        if (name === 'li' || name === 'tr') newlines(1);
        else if (BLOCK.has(name)) newlines(2);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** A description as stored: sanitised (sanitize-html), then converted to plain text. */
export function descriptionText(html: string | null | undefined): string {
  if (!html) return '';
  const s = String(html);
  // Plain text (most feeds' titles, many descriptions): nothing to sanitise.
  if (!/[<&]/.test(s)) return s.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
  return htmlToText(sanitizeDescription(decodeEscapedHtml(s)));
}
