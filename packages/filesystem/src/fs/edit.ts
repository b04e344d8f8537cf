import { ToolError } from '@mcpkit/core';
import { toLf } from './text.js';

export interface Edit {
  oldText: string;
  newText: string;
  replaceAll?: boolean;
}

export interface EditResult {
  text: string;
  /** Remarks for the caller, e.g. that an edit matched only when whitespace was ignored. */
  notes: string[];
  replacements: number;
}

const MAX_LISTED = 5;

/**
 * Applies edits in order to `text` (whose line endings the caller has made `\n`, unless the
 * file mixes them). Each oldText must match exactly once, or every time with replaceAll. When
 * it matches nowhere, lines are compared again ignoring whitespace; a match found that way is
 * applied with the file's own indentation and reported.
 */
export function applyEdits(
  text: string,
  edits: readonly Edit[],
  options: { normalizeEol: boolean },
): EditResult {
  let current = text;
  const notes: string[] = [];
  let replacements = 0;
  edits.forEach((edit, i) => {
    const label = edits.length > 1 ? `edit ${i + 1}` : 'the edit';
    const oldText = options.normalizeEol ? toLf(edit.oldText) : edit.oldText;
    const newText = options.normalizeEol ? toLf(edit.newText) : edit.newText;
    if (oldText === '')
      throw new ToolError(`${label}: oldText is empty; to replace a whole file use write_file`);
    const positions = occurrences(current, oldText);
    if (positions.length === 1 || (positions.length > 1 && edit.replaceAll)) {
      current = current.split(oldText).join(newText);
      replacements += positions.length;
      return;
    }
    if (positions.length > 1) {
      throw new ToolError(
        `${label}: oldText matches ${positions.length} places (lines ${listLines(current, positions)}); include more surrounding lines to make it unique, or pass replaceAll: true`,
      );
    }
    const fuzzy = looseMatches(current, oldText);
    if (fuzzy.length === 0) {
      throw new ToolError(
        `${label}: oldText was not found, even ignoring whitespace.${hint(current, oldText)}`,
      );
    }
    if (fuzzy.length > 1 && !edit.replaceAll) {
      throw new ToolError(
        `${label}: oldText matches ${fuzzy.length} places when whitespace is ignored (lines ${fuzzy
          .slice(0, MAX_LISTED)
          .map((m) => m.line + 1)
          .join(', ')}); include more lines to make it unique, or pass replaceAll: true`,
      );
    }
    const lines = current.split('\n');
    // Apply bottom-up so earlier line numbers stay valid.
    for (const match of [...fuzzy].reverse()) {
      lines.splice(match.line, match.count, ...reindent(newText, oldText, lines[match.line] ?? ''));
    }
    current = lines.join('\n');
    replacements += fuzzy.length;
    notes.push(
      `${label} matched only when differences in whitespace were ignored (line ${fuzzy
        .map((m) => m.line + 1)
        .slice(0, MAX_LISTED)
        .join(', ')}); the replacement took the file's indentation`,
    );
  });
  return { text: current, notes, replacements };
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length))
    found.push(at);
  return found;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function listLines(text: string, positions: number[]): string {
  const shown = positions.slice(0, MAX_LISTED).map((p) => lineOf(text, p));
  return shown.join(', ') + (positions.length > MAX_LISTED ? ', …' : '');
}

// Whitespace is ignored altogether (indentation, runs, a space more or less around a token):
// the non-space characters of every line must still agree, and the match must be unique.
const squash = (line: string) => line.replace(/\s+/g, '');

/** Places where oldText's lines equal the file's once whitespace is ignored. */
function looseMatches(text: string, oldText: string): { line: number; count: number }[] {
  const wanted = oldText.split('\n').map(squash);
  while (wanted.length > 1 && wanted[wanted.length - 1] === '') wanted.pop();
  while (wanted.length > 1 && wanted[0] === '') wanted.shift();
  if (wanted.every((w) => w === '')) return [];
  const lines = text.split('\n').map(squash);
  const found: { line: number; count: number }[] = [];
  for (let i = 0; i + wanted.length <= lines.length; i++) {
    let same = true;
    for (let j = 0; j < wanted.length && same; j++) same = lines[i + j] === wanted[j];
    if (same) {
      found.push({ line: i, count: wanted.length });
      i += wanted.length - 1;
    }
  }
  return found;
}

const indentOf = (line: string) => /^[ \t]*/.exec(line)?.[0] ?? '';

/** newText's lines with oldText's indentation swapped for the file's. */
function reindent(newText: string, oldText: string, firstFileLine: string): string[] {
  const oldFirst = oldText.split('\n').find((l) => l.trim() !== '') ?? '';
  const from = indentOf(oldFirst);
  const to = indentOf(firstFileLine);
  if (newText === '') return [];
  const lines = newText.split('\n');
  if (newText.endsWith('\n')) lines.pop(); // the matched lines keep their own line break
  return lines.map((line) => {
    if (line.trim() === '') return line;
    if (line.startsWith(from)) return to + line.slice(from.length);
    return line;
  });
}

/** A pointer to the line that looks most like oldText's first line, if any. */
function hint(text: string, oldText: string): string {
  const first = squash(oldText.split('\n').find((l) => l.trim()) ?? '');
  if (first.length < 3) return ' Read the file again and copy the text exactly.';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (squash(lines[i]!).includes(first)) {
      return ` Its first line appears at line ${i + 1}, but the lines after it differ; read the file again and copy the text exactly.`;
    }
  }
  return ' Read the file again and copy the text exactly.';
}
