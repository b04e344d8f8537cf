import { describe, expect, it } from 'vitest';
import { clipCells, toCsv } from '../src/format.js';

describe('CSV rendering', () => {
  it('quotes a value with a quote, comma or line break, space at either end, or nothing in it', () => {
    const values = [
      'plain',
      'a,b',
      'say "hi"',
      'two\nlines',
      'cr\rhere',
      ' lead',
      'trail ',
      '\ttab',
      '',
      'in side',
    ];
    const csv = toCsv(['v'], [...values.map((v) => [v]), [null]]);
    expect(csv.split('\n').slice(0, 2)).toEqual(['v', 'plain']);
    expect(csv).toContain('\n"a,b"\n');
    expect(csv).toContain('\n"say ""hi"""\n');
    expect(csv).toContain('\n"two\nlines"\n');
    expect(csv).toContain('\n"cr\rhere"\n');
    expect(csv).toContain('\n" lead"\n"trail "\n"\ttab"\n""\nin side\n');
    expect(csv.endsWith('\nin side\n')).toBe(true); // NULL is an empty field
  });
});

describe('cell clipping', () => {
  it('passes rows with no long value on as they are', () => {
    const rows = [['short', null]];
    const out = clipCells(rows, 10);
    expect(out.clipped).toBe(0);
    expect(out.rows).toBe(rows);
  });

  it('shortens long values and counts them, a value cut on arrival as a lower bound', () => {
    const out = clipCells(
      [
        ['x'.repeat(25), 'ok'],
        [null, 'y'.repeat(40)],
      ],
      10,
      40,
    );
    expect(out.clipped).toBe(2);
    expect(out.rows[0]).toEqual([`${'x'.repeat(10)}…[15 more characters]`, 'ok']);
    expect(out.rows[1]).toEqual([null, `${'y'.repeat(10)}…[at least 30 more characters]`]);
  });
});
