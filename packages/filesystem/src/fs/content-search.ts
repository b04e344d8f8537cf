// No @mcpkit/core here: the search worker thread loads this module, and stays small.
const NEWLINE = 0x0a;

/** A query that cannot be searched for (the tool turns it into a ToolError). */
export class InvalidQuery extends Error {}

export interface ContentQuery {
  query: string;
  /** RE2 syntax (as ripgrep and Go use): linear time, so no pattern can hang the server. */
  regex: boolean;
  /** Undefined: smart case (insensitive unless the query has an upper-case letter). */
  caseSensitive?: boolean;
}

/**
 * Prepares a search of `bytes[0, end)`; the function returned finds the next match at or
 * after a byte offset (-1 when there is none). Prepared once per buffer content.
 */
export type Finder = (bytes: Buffer, end: number) => (from: number) => number;

/** Compiles a query into a byte-level finder, choosing the fastest exact method for it. */
export async function compileQuery(query: ContentQuery): Promise<{ find: Finder; caseSensitive: boolean }> {
  if (!query.query) throw new InvalidQuery('query is empty');
  const caseSensitive = query.caseSensitive ?? hasUpperCase(query.query, query.regex);
  if (query.regex) {
    // Loaded on first use: most searches are literal, and startup stays lean.
    const { RE2JS } = await import('re2js');
    let pattern: InstanceType<typeof RE2JS>;
    try {
      pattern = RE2JS.compile(query.query, RE2JS.MULTILINE | (caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE));
    } catch (error) {
      throw new InvalidQuery(
        `Invalid regular expression (RE2 syntax: no backreferences or lookaround): ${(error as Error).message}`,
      );
    }
    return {
      caseSensitive,
      find: (bytes, end) => {
        const matcher = pattern.matcher(bytes.subarray(0, end));
        return (from) => (from <= end && matcher.find(from) ? matcher.start() : -1);
      },
    };
  }
  if (caseSensitive) {
    const needle = Buffer.from(query.query, 'utf8');
    return {
      caseSensitive,
      find: (bytes, end) => (from) => {
        const at = bytes.indexOf(needle, from);
        return at === -1 || at + needle.length > end ? -1 : at;
      },
    };
  }
  if (/^[\u0000-\u007f]*$/.test(query.query)) return { caseSensitive, find: asciiCaseless(query.query) };
  const escaped = query.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Other scripts: fold case on the decoded text, then map indexes between text and bytes.
  const re = new RegExp(escaped, 'giu');
  return {
    caseSensitive,
    find: (bytes, end) => {
      const text = bytes.toString('utf8', 0, end);
      return (from) => {
        re.lastIndex = bytes.toString('utf8', 0, from).length;
        const match = re.exec(text);
        return match ? Buffer.byteLength(text.slice(0, match.index)) : -1;
      };
    },
  };
}

/**
 * Case-insensitive search for an ASCII needle straight on the bytes, checking each candidate in
 * full with ASCII case folded. No decoding, no allocation per file beyond the hits. Candidates
 * come from Buffer.indexOf (native, fast): of the longest run of two or more non-letters in the
 * needle (digits, punctuation: spelled one way in every case, so one search finds them all),
 * else of every case spelling of the needle's first (up to) three bytes.
 */
function asciiCaseless(query: string): Finder {
  const needle = Buffer.from(query.toLowerCase(), 'latin1');
  const run = caseFreeRun(needle);
  if (run) return caselessByRun(needle, run.start, needle.subarray(run.start, run.start + run.length));
  const prefixLength = Math.min(3, needle.length);
  let spellings: Buffer[] = [Buffer.alloc(0)];
  for (let k = 0; k < prefixLength; k++) {
    const lower = needle[k]!;
    const cases = lower >= 0x61 && lower <= 0x7a ? [lower, lower - 0x20] : [lower];
    spellings = spellings.flatMap((head) => cases.map((byte) => Buffer.concat([head, Buffer.from([byte])])));
  }
  return (bytes, end) => {
    const view = bytes.subarray(0, end);
    const found: number[] = [];
    for (const spelling of spellings) {
      for (let at = view.indexOf(spelling); at !== -1; at = view.indexOf(spelling, at + 1)) {
        if (at + needle.length > end) break;
        if (foldedEqual(view, at, needle, prefixLength)) found.push(at);
      }
    }
    found.sort((a, b) => a - b);
    let next = 0;
    return (from) => {
      while (next < found.length && found[next]! < from) next++;
      return next < found.length ? found[next]! : -1;
    };
  };
}

const isLetter = (byte: number) => byte >= 0x61 && byte <= 0x7a;

/** The longest run of 2+ bytes of the (lower-cased) needle with no letter, not only blanks. */
function caseFreeRun(needle: Buffer): { start: number; length: number } | undefined {
  let best: { start: number; length: number } | undefined;
  for (let i = 0; i < needle.length; ) {
    if (isLetter(needle[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < needle.length && !isLetter(needle[j]!)) j++;
    const blank = needle.subarray(i, j).every((byte) => byte === 0x20 || byte === 0x09);
    if (j - i >= 2 && !blank && j - i > (best?.length ?? 0)) best = { start: i, length: j - i };
    i = j;
  }
  return best;
}

function caselessByRun(needle: Buffer, offset: number, run: Buffer): Finder {
  return (bytes, end) => {
    const view = bytes.subarray(0, end);
    return (from) => {
      for (let at = view.indexOf(run, from + offset); at !== -1; at = view.indexOf(run, at + 1)) {
        const start = at - offset;
        if (start + needle.length > end) return -1;
        if (foldedEqual(view, start, needle, 0)) return start;
      }
      return -1;
    };
  };
}

/** `view` at `at` equals the lower-case `needle` from byte `from` on, ASCII case folded. */
function foldedEqual(view: Buffer, at: number, needle: Buffer, from: number): boolean {
  for (let k = from; k < needle.length; k++) {
    const byte = view[at + k]!;
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== needle[k]) return false;
  }
  return true;
}

function hasUpperCase(query: string, regex: boolean): boolean {
  const plain = regex ? query.replace(/\\./g, '') : query;
  return plain !== plain.toLowerCase();
}

export interface LineHit {
  line: number;
  text: string;
  before?: string[];
  after?: string[];
}

export interface SearchBufferOptions {
  contextLines: number;
  maxHits: number;
  /** Longest line shown; longer ones are cut around the match. */
  maxLineChars: number;
  /** Line number of the buffer's first line. */
  firstLine: number;
}

/**
 * Every line of `bytes[0, end)` holding a match (one hit per line), with context lines, up to
 * `maxHits`. Line numbers are counted only up to each hit, never over the whole buffer.
 */
export function searchBuffer(
  buffer: Buffer,
  end: number,
  find: Finder,
  options: SearchBufferOptions,
): LineHit[] {
  // A view of exactly the bytes to search: Buffer.indexOf has no end bound, and the buffer
  // is reused across files, so searching past `end` would be both slow and wrong.
  const bytes = end === buffer.length ? buffer : buffer.subarray(0, end);
  const hits: LineHit[] = [];
  let counted = 0;
  let line = options.firstLine;
  let from = 0;
  const next = find(bytes, end);
  while (from <= end && hits.length < options.maxHits) {
    const at = next(from);
    if (at === -1 || at >= end) break;
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(NEWLINE, at - 1) + 1;
    let lineEnd = bytes.indexOf(NEWLINE, at);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    line += countNewlines(bytes, counted, lineStart);
    counted = lineStart;
    const hit: LineHit = { line, text: showLine(bytes, lineStart, lineEnd, at, options.maxLineChars) };
    if (options.contextLines > 0) {
      hit.before = linesBefore(bytes, lineStart, options.contextLines, options.maxLineChars);
      hit.after = linesAfter(bytes, lineEnd, end, options.contextLines, options.maxLineChars);
    }
    hits.push(hit);
    from = lineEnd + 1;
  }
  return hits;
}

export function countNewlines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at !== -1 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

function showLine(bytes: Buffer, start: number, end: number, at: number, max: number): string {
  let text = bytes.toString('utf8', start, end);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.length <= max) return text;
  // Keep the match in view: a little before it, the rest after.
  const offset = bytes.toString('utf8', start, at).length;
  const from = Math.max(0, offset - Math.floor(max / 4));
  const cut = text.slice(from, from + max);
  return `${from > 0 ? '…' : ''}${cut}${from + max < text.length ? '…' : ''}`;
}

function linesBefore(bytes: Buffer, lineStart: number, count: number, max: number): string[] {
  const lines: string[] = [];
  let end = lineStart - 1;
  while (lines.length < count && end >= 0) {
    const start = end === 0 ? 0 : bytes.lastIndexOf(NEWLINE, end - 1) + 1;
    lines.unshift(showLine(bytes, start, end, start, max));
    end = start - 1;
  }
  return lines;
}

function linesAfter(bytes: Buffer, lineEnd: number, end: number, count: number, max: number): string[] {
  const lines: string[] = [];
  let start = lineEnd + 1;
  while (lines.length < count && start < end) {
    let stop = bytes.indexOf(NEWLINE, start);
    if (stop === -1 || stop > end) stop = end;
    lines.push(showLine(bytes, start, stop, start, max));
    start = stop + 1;
  }
  return lines;
}
