/** Renders rows for a model: compact CSV (RFC 4180 quoting) or an aligned text table. */
import { formatCount } from '@mcpkit/core';

export type Cell = string | null;

/** A value that must be quoted: a quote, comma or line break in it, or space at either end. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function csvCell(value: Cell): string {
  if (value === null) return '';
  return value === '' || NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\n');
}

const NULL_MARK = 'NULL';

function tableCell(value: Cell): string {
  if (value === null) return NULL_MARK;
  return value.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
}

/** psql-like: columns padded to their widest value, `|` between them. */
export function toTable(header: readonly string[], rows: readonly Cell[][]): string {
  const cells = rows.map((row) => row.map(tableCell));
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}

/** The longest value a tool shows, in characters. */
export const MAX_CELL_CHARS = 4_000;
/**
 * Where a value is cut as it arrives (see db/wire-guard.ts): past any value a tool shows (a
 * character is at most 4 bytes), so a cut value is still longer than MAX_CELL_CHARS and shown
 * as shortened.
 */
export const FIELD_CUT_BYTES = 4 * MAX_CELL_CHARS + 4;

/**
 * Shortens long values, so one huge cell cannot fill the whole answer. A value that may have been
 * cut on arrival (`cutBytes` long or about) says how much more it holds as a lower bound.
 */
export function clipCells(
  rows: Cell[][],
  maxChars: number,
  cutBytes = Infinity,
): { rows: Cell[][]; clipped: number } {
  // Most results have no long value: they are passed on as they are, not copied.
  if (!rows.some((row) => row.some((value) => value !== null && value.length > maxChars))) {
    return { rows, clipped: 0 };
  }
  let clipped = 0;
  const out = rows.map((row) =>
    row.map((value) => {
      if (value === null || value.length <= maxChars) return value;
      clipped++;
      // A cut inside a character decodes as U+FFFD: allow for it.
      const cut = Buffer.byteLength(value) >= cutBytes - 3 ? 'at least ' : '';
      return `${value.slice(0, maxChars)}…[${cut}${value.length - maxChars} more characters]`;
    }),
  );
  return { rows: out, clipped };
}

/** How many leading rows fit in `maxBytes` once rendered (at least one when any exist). */
export function rowsWithin(rows: readonly Cell[][], maxBytes: number): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    for (const value of rows[i]!) total += (value === null ? 4 : Buffer.byteLength(value)) + 3;
    if (total > maxBytes) return Math.max(1, i);
  }
  return rows.length;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
