import { clip } from '@mcpkit/core';
import type { SlackMessage } from '../api/slack-api.js';
import { tsToIso } from '../api/timestamps.js';

// Messages as a model reads them: who (a name, not only an id), when, the text with mentions made
// readable and cut at 2,000 characters with a mark, threads, reactions and files (name and id only).

/** A message's text is cut here, with "… [N more characters]". */
export const MAX_MESSAGE_CHARS = 2_000;
/** The same, as descriptions write it. */
export const MAX_CHARS_SHOWN = '2,000';
/**
 * Characters of message text one result holds at most (the rendering and the structured copy each
 * carry it): a page stops early, with a cursor, rather than grow past it.
 */
export const RESULT_TEXT_BUDGET = 8_000;

export interface MessageRow {
  ts: string;
  time: string;
  user?: string;
  user_name?: string;
  text: string;
  /** Characters cut from the text. */
  cut_chars?: number;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reactions?: string[];
  files?: Array<{ id: string; name: string }>;
}

const USER_MENTION = /<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g;
const CHANNEL_MENTION = /<#([CGD][A-Z0-9]{2,})\|([^>]*)>/g;

/** User ids a message names: its author and its mentions. */
export function userIdsOf(messages: readonly SlackMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    if (m.user) ids.add(m.user);
    for (const match of m.text.matchAll(USER_MENTION)) ids.add(match[1]!);
  }
  return [...ids];
}

/** Mentions as names: `<@U0ALICE001>` -> `@Alice`, `<#C0123ABCD9|general>` -> `#general`. */
export function readableText(text: string, names: ReadonlyMap<string, string>): string {
  return text
    .replace(USER_MENTION, (_, id: string) => `@${names.get(id) ?? id}`)
    .replace(CHANNEL_MENTION, (_, _id: string, name: string) => `#${name}`)
    .replace(/<!(here|channel|everyone)>/g, '@$1');
}

export function toRow(
  m: SlackMessage,
  names: ReadonlyMap<string, string>,
  maxChars = MAX_MESSAGE_CHARS,
): MessageRow {
  const full = readableText(m.text, names);
  const text = clip(full, maxChars);
  const userName = m.user ? names.get(m.user) : m.username;
  return {
    ts: m.ts,
    time: tsToIso(m.ts),
    ...(m.user ? { user: m.user } : {}),
    ...(userName ? { user_name: userName } : {}),
    text,
    ...(text !== full ? { cut_chars: full.length - maxChars } : {}),
    ...(m.subtype ? { subtype: m.subtype } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.replyCount ? { reply_count: m.replyCount } : {}),
    ...(m.reactions.length ? { reactions: m.reactions.map((r) => `${r.name}×${r.count}`) } : {}),
    ...(m.files.length ? { files: m.files.map((f) => ({ id: f.id, name: f.name })) } : {}),
  };
}

/**
 * As many rows as fit the result's text budget (at least one), and whether the page was cut.
 */
export function fitRows(
  rows: readonly MessageRow[],
  budget = RESULT_TEXT_BUDGET,
): { rows: MessageRow[]; cut: boolean } {
  const out: MessageRow[] = [];
  let used = 0;
  for (const row of rows) {
    const cost = row.text.length + 20;
    if (out.length > 0 && used + cost > budget) return { rows: out, cut: true };
    out.push(row);
    used += cost;
  }
  return { rows: out, cut: false };
}

/** One message as lines of text. */
export function renderRow(row: MessageRow, threadHint?: (ts: string) => string): string {
  const who = row.user_name ? `${row.user_name}${row.user ? ` (${row.user})` : ''}` : (row.user ?? 'unknown');
  const head = `[${row.time}] ${who} ts=${row.ts}${row.subtype ? ` (${row.subtype})` : ''}`;
  const extras: string[] = [];
  if (row.reply_count) {
    extras.push(
      `${row.reply_count} repl${row.reply_count === 1 ? 'y' : 'ies'}${threadHint ? ` (${threadHint(row.ts)})` : ''}`,
    );
  }
  if (row.reactions) extras.push(`reactions: ${row.reactions.join(', ')}`);
  if (row.files) extras.push(`files: ${row.files.map((f) => `${f.name} (${f.id})`).join(', ')}`);
  const body = row.text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return [head, body, ...(extras.length ? [`  ↳ ${extras.join(' · ')}`] : [])].join('\n');
}
