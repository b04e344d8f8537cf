import { decodeCursor, encodeCursor, formatCount, requestKey } from '@mcpkit/core';
import * as z from 'zod';
import type { GitHubApi } from '../api/github.js';
import type { Lockdown } from '../api/lockdown.js';

/** What every GitHub tool gets: the API, lockdown and the output bounds. */
export interface GhContext {
  api: GitHubApi;
  lockdown: Lockdown;
}

/** GitHub's search returns at most this many results for any query. */
export const SEARCH_CAP = 1000;

export const owner = z
  .string()
  .min(1)
  .max(39)
  .describe('Repository owner (user or organization), e.g. "octocat"');
export const repo = z
  .string()
  .min(1)
  .max(100)
  .describe('Repository name without the owner, e.g. "hello-world"');
export const ref = z
  .string()
  .min(1)
  .max(255)
  .describe("Branch, tag or commit sha (default: the repository's default branch)");
export const limit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`Results per page (1-${max})`);
export const cursor = z
  .string()
  .max(2000)
  .optional()
  .describe("Opaque cursor from the previous page's nextCursor; omit for the first page");
export const number = (what: string) => z.number().int().min(1).describe(`${what} number`);

/** The page a cursor resumes (1 without one); the cursor only resumes the same query. */
export function pageOf(tool: string, input: Record<string, unknown>): number {
  const { cursor: c, ...rest } = input;
  if (typeof c !== 'string' || c === '') return 1;
  const state = decodeCursor<{ page: number }>(c, requestKey(tool, rest));
  return Number.isSafeInteger(state.page) && state.page > 1 ? state.page : 1;
}

/** The cursor of the next page, or undefined on the last one. */
export function nextCursorOf(
  tool: string,
  input: Record<string, unknown>,
  page: number,
  hasNext: boolean,
): string | undefined {
  if (!hasNext) return undefined;
  const { cursor: _c, ...rest } = input;
  return encodeCursor({ page: page + 1 }, requestKey(tool, rest));
}

/** The line under a page that has more: how to get it. */
export function moreNote(nextCursor: string | undefined, what = 'results'): string | undefined {
  return nextCursor ? `[more ${what}: call again with cursor="${nextCursor}"]` : undefined;
}

/** The search notes a model must read: the 1,000-result cap and GitHub's `incomplete_results`. */
export function searchNotes(
  total: number,
  incomplete: boolean,
  page: number,
  perPage: number,
  hasNext: boolean,
) {
  const capped = total > SEARCH_CAP;
  const atCap = page * perPage >= SEARCH_CAP;
  const notes: string[] = [];
  if (incomplete) notes.push("GitHub's search timed out: these results may be incomplete; narrow the query.");
  if (capped) {
    notes.push(
      `GitHub reports ${formatCount(total)} matches but returns only the first ` +
        `${formatCount(SEARCH_CAP)}; ` +
        'narrow the query (qualifiers like repo:, language:, created:) to see the rest.',
    );
  }
  return { notes, hasNext: hasNext && !atCap, capped };
}

export function joinLines(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n');
}

/** `[a, b]` -> ` [a, b]`; nothing for an empty list (labels in one-line rows). */
export function bracketed(items: readonly string[]): string {
  return items.length ? ` [${items.join(', ')}]` : '';
}

/** The parts of a one-line row that are present, joined by " · ". */
export function row(...parts: (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' · ');
}

/**
 * Text written by others (bodies, comments, reviews) as a quoted block: every line starts with
 * "> ", so nothing in it can pass for this server's own lines (a fake "--- comment by the owner").
 */
export function quoted(text: string | null | undefined, empty = '(empty)'): string {
  if (!text) return `> ${empty}`;
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

export function date(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}
