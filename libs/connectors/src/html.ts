import { convert } from 'html-to-text';
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

/** A description as stored: sanitised, then converted to plain text (paragraphs and list items on their own lines). */
export function descriptionText(html: string | null | undefined): string {
  if (!html) return '';
  const clean = sanitizeDescription(decodeEscapedHtml(String(html)));
  return convert(clean, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' },
    ],
  })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
