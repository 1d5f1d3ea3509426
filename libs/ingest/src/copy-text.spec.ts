import { arrayLiteral, copyField, copyText } from './copy-text.js';

describe('COPY text format', () => {
  it('escapes backslash, tab, newline and carriage return, and writes NULL as \\N', () => {
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(true)).toBe('t');
    expect(copyField(-1.5)).toBe('-1.5');
    expect(() => copyField(Number.NaN)).toThrow();
  });

  it('quotes every array element and escapes quotes and backslashes inside them', () => {
    expect(arrayLiteral(['c++', 'say "hi"', 'a\\b', 'x,y', 'NULL'])).toBe('{"c++","say \\"hi\\"","a\\\\b","x,y","NULL"}');
    expect(arrayLiteral([1, -2, null])).toBe('{1,-2,NULL}');
    // inside a COPY field the array literal's backslashes are escaped once more
    expect(copyField(['a\\b'])).toBe('{"a\\\\\\\\b"}');
  });

  it('writes one tab-separated line per row in column order', () => {
    expect(copyText([{ a: 1, b: 'x' }, { a: null, b: 'y\tz' }], ['b', 'a'])).toBe('x\t1\ny\\tz\t\\N\n');
  });
});
