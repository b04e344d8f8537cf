import { describe, expect, it } from 'vitest';
import { compileQuery } from '../src/fs/content-search.js';

/** Every start of `needle` in `text` with ASCII case folded, found the slow, obvious way. */
function naive(text: string, needle: string): number[] {
  const lower = text.toLowerCase();
  const want = needle.toLowerCase();
  const found: number[] = [];
  for (let at = lower.indexOf(want); at !== -1; at = lower.indexOf(want, at + 1)) found.push(at);
  return found;
}

/** Every match the finder reports, walking it as searchBuffer does (from each match + 1). */
async function matches(text: string, needle: string): Promise<number[]> {
  const { find } = await compileQuery({ query: needle, regex: false, caseSensitive: false });
  const bytes = Buffer.from(`${text}\n${needle}`, 'latin1'); // stale bytes past the end
  const next = find(bytes, text.length);
  const found: number[] = [];
  for (let at = next(0); at !== -1; at = next(at + 1)) found.push(at);
  return found;
}

describe('case-insensitive ASCII search', () => {
  // Queries that take each path: a run of 2+ non-letters (one spelling), and letters only (or a
  // run too short, or only blanks) searched by the case spellings of the first bytes.
  const QUERIES = ['a_7b', '7f_3a', 'x-1', '__', 'ab', 'aB c', 'a  b', 'A', 'a_b', '12', '1a2'];

  it('finds exactly what a folded comparison finds, at every position', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = 'aAbBxX_-7 123\n';
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(random() * 80);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      for (const query of QUERIES) {
        // Plant the query (in some spelling) now and then, so there is something to find.
        const planted =
          random() < 0.5
            ? text
            : `${text.slice(0, length / 2)}${swapCase(query, random)}${text.slice(length / 2)}`;
        const expected = naive(planted, query);
        expect(
          await matches(planted, query),
          `${JSON.stringify(query)} in ${JSON.stringify(planted)}`,
        ).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

function swapCase(text: string, random: () => number): string {
  return [...text].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}
