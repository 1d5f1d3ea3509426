/**
 * PostgreSQL COPY text format (the default of `COPY … FROM STDIN`): one line per row, tab-separated, `\N` for
 * NULL, backslash escapes for backslash, tab, newline and carriage return. Arrays are written as array
 * literals, every element double-quoted. Pure code, no I/O.
 */

export type CopyValue = string | number | boolean | null | undefined | readonly (string | number | null)[];

/** Escapes one field value for the COPY text format. */
function copyEscape(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

/** An array literal: {"a","b \"c\""}; numbers unquoted, null as NULL. */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

/** One value as a COPY field. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot COPY the number ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return copyEscape(arrayLiteral(value));
  return copyEscape(value as string);
}

/** Rows (objects) as COPY text for the given columns, in that order. */
export function copyText(rows: readonly Record<string, CopyValue>[], columns: readonly string[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      if (i) out += '\t';
      out += copyField(row[columns[i]!]);
    }
    out += '\n';
  }
  return out;
}
