import { describe, expect, it } from 'vitest';
import { compileQuery, searchBuffer } from '../src/fs/content-search.js';
import { applyEdits } from '../src/fs/edit.js';

const lines = async (
  text: string,
  query: string,
  options: { regex?: boolean; caseSensitive?: boolean } = {},
) => {
  const { find } = await compileQuery({
    query,
    regex: options.regex === true,
    caseSensitive: options.caseSensitive,
  });
  const bytes = Buffer.from(text, 'utf8');
  // A larger, reused buffer with stale bytes after the end: nothing past `end` may match.
  const buffer = Buffer.concat([bytes, Buffer.from(`\n${query}\n${query.toUpperCase()}\n`)]);
  return searchBuffer(buffer, bytes.length, find, {
    contextLines: 0,
    maxHits: 100,
    maxLineChars: 300,
    firstLine: 1,
  }).map((hit) => `${hit.line}:${hit.text}`);
};

describe('content matching', () => {
  it('literal, case-insensitive ASCII: every spelling, at the edges, one hit per line', async () => {
    const text = 'ab\nxAbC abc ABC\nnothing\nend aBc';
    expect(await lines(text, 'abc', { caseSensitive: false })).toEqual(['2:xAbC abc ABC', '4:end aBc']);
    expect(await lines(text, 'abc', { caseSensitive: true })).toEqual(['2:xAbC abc ABC']);
    expect(await lines('_x_\n_X_', '_x_', { caseSensitive: false })).toEqual(['1:_x_', '2:_X_']);
    expect(await lines('a\nA\nb', 'a', { caseSensitive: false })).toEqual(['1:a', '2:A']);
  });

  it('smart case: insensitive unless the query has an upper-case letter', async () => {
    expect(await lines('Foo\nfoo', 'foo')).toEqual(['1:Foo', '2:foo']);
    expect(await lines('Foo\nfoo', 'Foo')).toEqual(['1:Foo']);
  });

  it('non-ASCII queries fold case on the text and report the right lines', async () => {
    expect(await lines('ÉTÉ\nété\nete', 'été', { caseSensitive: false })).toEqual(['1:ÉTÉ', '2:été']);
  });

  it('RE2 regexes: anchors per line, classes, case folding', async () => {
    expect(await lines('let a = 1\n  let b = 2\nconst c', '^let \\w', { regex: true })).toEqual([
      '1:let a = 1',
    ]);
    expect(await lines('x1\nX22\ny', 'x\\d+', { regex: true, caseSensitive: false })).toEqual([
      '1:x1',
      '2:X22',
    ]);
  });
});

describe('edits', () => {
  it('replaceAll counts every match; an empty oldText is refused', () => {
    expect(
      applyEdits('a b a', [{ oldText: 'a', newText: 'c', replaceAll: true }], { normalizeEol: true }),
    ).toMatchObject({
      text: 'c b c',
      replacements: 2,
    });
    expect(() => applyEdits('a', [{ oldText: '', newText: 'x' }], { normalizeEol: true })).toThrow(
      /oldText is empty/,
    );
  });

  it('a whitespace-tolerant match keeps the file indentation and can delete lines', () => {
    const text = 'if (x) {\n\t\tcall( 1 );\n\t\tnext();\n}\n';
    const result = applyEdits(text, [{ oldText: 'call(1);\nnext();', newText: '' }], { normalizeEol: true });
    expect(result.text).toBe('if (x) {\n}\n');
    expect(result.notes[0]).toMatch(/whitespace/);
  });
});
