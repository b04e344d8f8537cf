// The Web API methods the stand-in serves, with the parameters, ordering, paging and errors of
// docs.slack.dev (see the shared connectors notes, section 2.3).
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Tier } from './rate-limit.js';
import { permalink, renderChannel, renderMessage, renderParent, renderUser } from './render.js';
import {
  addReply,
  BOT_ID,
  nextTs,
  type StandinChannel,
  type StandinMessage,
  TEAM_DOMAIN,
  TEAM_ID,
  type Workspace,
} from './workspace.js';

export interface TokenInfo {
  /** A label for logs and tests ("bot", "user", ...); never the token itself. */
  label: string;
  kind: 'bot' | 'user';
  userId: string;
  scopes: string[];
}

export interface CallContext {
  ws: Workspace;
  params: Record<string, string>;
  token: TokenInfo;
  /** Marketplace apps get Tier 3 history; others 1 request a minute and at most 15 messages. */
  marketplace: boolean;
}

/** An `ok:false` answer. */
export class SlackFailure extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export interface MethodSpec {
  tier: Tier;
  /** The extra key a limit counts under besides method and token (chat.postMessage: the channel). */
  limitKey?: (params: Record<string, string>) => string;
  /** Scopes of which the token needs one; for x-accepted-oauth-scopes and missing_scope. */
  scopes: string[];
  handler: (ctx: CallContext) => Record<string, unknown>;
}

const NON_MARKETPLACE_MAX = 15;

function fail(error: string, extra?: Record<string, unknown>): never {
  throw new SlackFailure(error, extra);
}

function needScope(token: TokenInfo, anyOf: string[]): void {
  if (anyOf.some((s) => token.scopes.includes(s))) return;
  fail('missing_scope', { needed: anyOf[0], provided: token.scopes.join(',') });
}

function flag(value: string | undefined, fallback = false): boolean {
  if (value === undefined || value === '') return fallback;
  return value === 'true' || value === '1';
}

function intParam(value: string | undefined, fallback: number, max: number): number {
  const n = value === undefined || value === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return Math.min(Math.floor(n), max);
}

/** A ts as microseconds, for exact ordering; undefined when it is not a Slack timestamp. */
export function tsKey(ts: string): bigint | undefined {
  const m = /^(\d{1,10})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!m) return undefined;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
}

function key(ts: string): bigint {
  return tsKey(ts)!;
}

function channelById(ws: Workspace, id: string | undefined): StandinChannel | undefined {
  if (!id) return undefined;
  const name = id.replace(/^#/, '');
  return ws.channels.find((c) => c.id === id || c.name === name);
}

/** A channel the token may see: private ones only when its user is a member. */
function visibleChannel(ctx: CallContext, id: string | undefined): StandinChannel {
  const ch = channelById(ctx.ws, id);
  if (!ch || (ch.isPrivate && !ch.members.has(ctx.token.userId))) fail('channel_not_found');
  return ch;
}

function readableChannel(ctx: CallContext, id: string | undefined): StandinChannel {
  const ch = visibleChannel(ctx, id);
  needScope(ctx.token, [ch.isPrivate ? 'groups:history' : 'channels:history']);
  // Bots read only where they were invited; a user token reads any public channel.
  if (ctx.token.kind === 'bot' && !ch.members.has(ctx.token.userId)) fail('not_in_channel');
  return ch;
}

interface Bounds {
  oldest: bigint;
  latest: bigint | undefined;
  inclusive: boolean;
}

function bounds(params: Record<string, string>): Bounds {
  const oldest = params.oldest ? tsKey(params.oldest) : 0n;
  if (oldest === undefined) fail('invalid_ts_oldest');
  const latest = params.latest ? tsKey(params.latest) : undefined;
  if (params.latest && latest === undefined) fail('invalid_ts_latest');
  return { oldest, latest, inclusive: flag(params.inclusive) };
}

function within(ts: string, b: Bounds): boolean {
  const k = key(ts);
  const afterOldest = b.inclusive ? k >= b.oldest : k > b.oldest;
  const beforeLatest = b.latest === undefined || (b.inclusive ? k <= b.latest : k < b.latest);
  return afterOldest && beforeLatest;
}

function pageLimit(ctx: CallContext, fallback: number, max: number): number {
  if (!ctx.marketplace) return intParam(ctx.params.limit, NON_MARKETPLACE_MAX, NON_MARKETPLACE_MAX);
  return intParam(ctx.params.limit, fallback, max);
}

function position(method: string, scope: string, cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const pos = decodeCursor({ method, scope }, cursor);
  if (pos === undefined) fail('invalid_cursor');
  return pos;
}

function conversationsList(ctx: CallContext) {
  const types = (ctx.params.types || 'public_channel').split(',').map((t) => t.trim());
  const scopeOf: Record<string, string> = {
    public_channel: 'channels:read',
    private_channel: 'groups:read',
    im: 'im:read',
    mpim: 'mpim:read',
  };
  for (const t of types) {
    const scope = scopeOf[t];
    if (!scope) fail('invalid_types');
    needScope(ctx.token, [scope]);
  }
  const excludeArchived = flag(ctx.params.exclude_archived);
  const all = ctx.ws.channels.filter(
    (c) =>
      (c.isPrivate
        ? types.includes('private_channel') && c.members.has(ctx.token.userId)
        : types.includes('public_channel')) && !(excludeArchived && c.isArchived),
  );
  const scope = `${types.join(',')};${excludeArchived}`;
  const start = Number(position('conversations.list', scope, ctx.params.cursor) ?? 0);
  const limit = intParam(ctx.params.limit, 100, 1000);
  const page = all.slice(start, start + limit);
  const more = start + limit < all.length;
  return {
    channels: page.map((c) => renderChannel(c, ctx.token.userId)),
    response_metadata: {
      next_cursor: more ? encodeCursor({ method: 'conversations.list', scope }, String(start + limit)) : '',
    },
  };
}

function conversationsInfo(ctx: CallContext) {
  const ch = visibleChannel(ctx, ctx.params.channel);
  needScope(ctx.token, [ch.isPrivate ? 'groups:read' : 'channels:read']);
  return { channel: renderChannel(ch, ctx.token.userId, flag(ctx.params.include_num_members)) };
}

function conversationsHistory(ctx: CallContext) {
  const ch = readableChannel(ctx, ctx.params.channel);
  const b = bounds(ctx.params);
  const from = position('conversations.history', ch.id, ctx.params.cursor);
  const fromKey = from === undefined ? undefined : tsKey(from);
  const listed = [...ch.messages.values()]
    .filter((m) => !m.threadTs || m.threadTs === m.ts || m.broadcast)
    .filter((m) => within(m.ts, b) && (fromKey === undefined || key(m.ts) < fromKey))
    .sort((a, z) => (key(a.ts) > key(z.ts) ? -1 : 1));
  const limit = pageLimit(ctx, 100, 999);
  const page = listed.slice(0, limit);
  const hasMore = listed.length > limit;
  return {
    messages: page.map((m) => renderMessage(m, ch)),
    has_more: hasMore,
    pin_count: 0,
    ...(hasMore
      ? {
          response_metadata: {
            next_cursor: encodeCursor({ method: 'conversations.history', scope: ch.id }, page.at(-1)!.ts),
          },
        }
      : {}),
  };
}

function conversationsReplies(ctx: CallContext) {
  const ch = readableChannel(ctx, ctx.params.channel);
  const asked = ctx.params.ts ? ch.messages.get(ctx.params.ts) : undefined;
  if (!asked) fail('thread_not_found');
  // A reply's ts finds its whole thread, as in Slack.
  const parent = asked.threadTs ? ch.messages.get(asked.threadTs)! : asked;
  const b = bounds(ctx.params);
  const scope = `${ch.id}/${parent.ts}`;
  const from = position('conversations.replies', scope, ctx.params.cursor);
  const fromKey = from === undefined ? undefined : tsKey(from);
  const replies = parent.replyTs
    .map((ts) => ch.messages.get(ts)!)
    .filter((m) => within(m.ts, b) && (fromKey === undefined || key(m.ts) > fromKey))
    .sort((a, z) => (key(a.ts) < key(z.ts) ? -1 : 1));
  const limit = pageLimit(ctx, 1000, 1000);
  // The parent opens the first page and counts toward its limit.
  const first = from === undefined;
  const room = first ? limit - 1 : limit;
  const page = replies.slice(0, room);
  const hasMore = replies.length > room;
  const lastTs = page.at(-1)?.ts ?? parent.ts;
  return {
    messages: [...(first ? [renderParent(parent, ch)] : []), ...page.map((m) => renderMessage(m, ch))],
    has_more: hasMore,
    ...(hasMore
      ? {
          response_metadata: {
            next_cursor: encodeCursor({ method: 'conversations.replies', scope }, lastTs),
          },
        }
      : {}),
  };
}

const EMOJI = new Set([
  'thumbsup',
  '+1',
  'thumbsdown',
  'eyes',
  'white_check_mark',
  'tada',
  'heart',
  'rocket',
  'smile',
  'pray',
  'fire',
  'wave',
]);

function chatPostMessage(ctx: CallContext) {
  needScope(ctx.token, ['chat:write', 'chat:write:bot', 'chat:write:user']);
  const ch = channelById(ctx.ws, ctx.params.channel);
  if (!ch || (ch.isPrivate && !ch.members.has(ctx.token.userId))) fail('channel_not_found');
  if (ch.isArchived) fail('is_archived');
  if (!ch.members.has(ctx.token.userId) && !ctx.token.scopes.includes('chat:write.public'))
    fail('not_in_channel');
  const text = ctx.params.text ?? '';
  if (!text.trim() && !ctx.params.blocks && !ctx.params.attachments) fail('no_text');
  if (text.length > 40_000) fail('msg_too_long');
  let parent: StandinMessage | undefined;
  if (ctx.params.thread_ts) {
    const target = ch.messages.get(ctx.params.thread_ts);
    if (!target) fail('thread_not_found');
    parent = target.threadTs ? ch.messages.get(target.threadTs)! : target;
  }
  const m: StandinMessage = {
    ts: nextTs(ctx.ws),
    user: ctx.token.userId,
    text,
    replyTs: [],
    reactions: [],
    files: [],
    ...(ctx.token.kind === 'bot' ? { botId: BOT_ID } : {}),
  };
  if (parent) {
    addReply(ch, parent, m);
    m.broadcast = flag(ctx.params.reply_broadcast);
  } else ch.messages.set(m.ts, m);
  return { channel: ch.id, ts: m.ts, message: renderMessage(m, ch) };
}

function reactionsAdd(ctx: CallContext) {
  needScope(ctx.token, ['reactions:write']);
  const ch = visibleChannel(ctx, ctx.params.channel);
  if (!ctx.params.timestamp) fail('no_item_specified');
  if (ch.isArchived) fail('is_archived');
  const m = ch.messages.get(ctx.params.timestamp);
  if (!m) fail('message_not_found');
  const name = ctx.params.name ?? '';
  if (!EMOJI.has(name)) fail('invalid_name');
  const existing = m.reactions.find((r) => r.name === name);
  if (existing?.users.includes(ctx.token.userId)) fail('already_reacted');
  if (existing) existing.users.push(ctx.token.userId);
  else m.reactions.push({ name, users: [ctx.token.userId] });
  return {};
}

function usersList(ctx: CallContext) {
  needScope(ctx.token, ['users:read']);
  const start = Number(position('users.list', '', ctx.params.cursor) ?? 0);
  const limit = intParam(ctx.params.limit, 100, 1000);
  const page = ctx.ws.users.slice(start, start + limit);
  const more = start + limit < ctx.ws.users.length;
  const withEmail = ctx.token.scopes.includes('users:read.email');
  return {
    members: page.map((u) => renderUser(u, withEmail)),
    cache_ts: Math.floor(Date.now() / 1000),
    response_metadata: {
      next_cursor: more ? encodeCursor({ method: 'users.list', scope: '' }, String(start + limit)) : '',
    },
  };
}

function usersInfo(ctx: CallContext) {
  needScope(ctx.token, ['users:read']);
  const u = ctx.ws.users.find((x) => x.id === ctx.params.user);
  if (!u) fail('user_not_found');
  return { user: renderUser(u, ctx.token.scopes.includes('users:read.email')) };
}

interface SearchQuery {
  terms: string[];
  inChannel?: string;
  fromUser?: string;
  before?: number;
  after?: number;
}

function parseQuery(ws: Workspace, q: string): SearchQuery {
  const out: SearchQuery = { terms: [] };
  for (const raw of q.match(/"[^"]*"|\S+/g) ?? []) {
    const [mod, ...restParts] = raw.split(':');
    const rest = restParts.join(':');
    const day = (s: string) => Date.parse(`${s}T00:00:00Z`) / 1000;
    if (mod === 'in' && rest) {
      const ref = rest.replace(/^<#([A-Z0-9]+)(\|[^>]*)?>$/, '$1').replace(/^#/, '');
      out.inChannel = ws.channels.find((c) => c.id === ref || c.name === ref)?.id ?? `missing:${ref}`;
    } else if (mod === 'from' && rest) {
      const ref = rest.replace(/^<@([A-Z0-9]+)>$/, '$1').replace(/^@/, '');
      out.fromUser = ws.users.find((u) => u.id === ref || u.name === ref)?.id ?? `missing:${ref}`;
    } else if (mod === 'before' && rest) out.before = day(rest);
    else if (mod === 'after' && rest) out.after = day(rest) + 86_400;
    else if (mod === 'on' && rest) {
      out.after = day(rest);
      out.before = day(rest) + 86_400;
    } else out.terms.push(raw.replace(/^"|"$/g, '').toLowerCase());
  }
  return out;
}

function searchMessages(ctx: CallContext) {
  if (ctx.token.kind !== 'user') fail('not_allowed_token_type');
  needScope(ctx.token, ['search:read']);
  const query = ctx.params.query ?? '';
  if (!query.trim()) fail('no_query');
  const q = parseQuery(ctx.ws, query);
  const count = intParam(ctx.params.count, 20, 100);
  const page = intParam(ctx.params.page, 1, 100);
  const byTime = ctx.params.sort === 'timestamp';
  const asc = ctx.params.sort_dir === 'asc';
  const hits: Array<{ m: StandinMessage; ch: StandinChannel; score: number }> = [];
  for (const ch of ctx.ws.channels) {
    if (ch.isPrivate && !ch.members.has(ctx.token.userId)) continue;
    if (q.inChannel && q.inChannel !== ch.id) continue;
    for (const m of ch.messages.values()) {
      const text = m.text.toLowerCase();
      if (q.fromUser && m.user !== q.fromUser) continue;
      const seconds = Number(m.ts.split('.')[0]);
      if (q.before !== undefined && seconds >= q.before) continue;
      if (q.after !== undefined && seconds < q.after) continue;
      if (!q.terms.every((t) => text.includes(t))) continue;
      const score = q.terms.reduce((n, t) => n + text.split(t).length - 1, 0);
      hits.push({ m, ch, score });
    }
  }
  hits.sort((a, z) => {
    if (!byTime && a.score !== z.score) return z.score - a.score;
    const newer = key(a.m.ts) > key(z.m.ts) ? -1 : 1;
    return byTime && asc ? -newer : newer;
  });
  const total = hits.length;
  const pages = Math.max(1, Math.ceil(total / count));
  const slice = hits.slice((page - 1) * count, page * count);
  const userName = (id: string) => ctx.ws.users.find((u) => u.id === id)?.name ?? '';
  return {
    query,
    messages: {
      total,
      matches: slice.map(({ m, ch }) => ({
        iid: `${ch.id}-${m.ts}`,
        team: TEAM_ID,
        type: 'message',
        channel: {
          id: ch.id,
          name: ch.name,
          is_private: ch.isPrivate,
          is_mpim: false,
          is_shared: false,
          is_org_shared: false,
          is_ext_shared: false,
          is_pending_ext_shared: false,
          pending_shared: [],
        },
        user: m.user,
        username: userName(m.user),
        ts: m.ts,
        text: m.text,
        permalink: permalink(ch.id, m.ts, m.threadTs),
      })),
      paging: { count, total, page, pages },
      pagination: {
        total_count: total,
        page,
        per_page: count,
        page_count: pages,
        first: total ? (page - 1) * count + 1 : 0,
        last: Math.min(page * count, total),
      },
    },
  };
}

function chatGetPermalink(ctx: CallContext) {
  const ch = visibleChannel(ctx, ctx.params.channel);
  const m = ctx.params.message_ts ? ch.messages.get(ctx.params.message_ts) : undefined;
  if (!m) fail('message_not_found');
  return { channel: ch.id, permalink: permalink(ch.id, m.ts, m.threadTs) };
}

function authTest(ctx: CallContext) {
  const u = ctx.ws.users.find((x) => x.id === ctx.token.userId);
  return {
    url: `https://${TEAM_DOMAIN}.slack.com/`,
    team: 'Standin',
    user: u?.name ?? 'unknown',
    team_id: TEAM_ID,
    user_id: ctx.token.userId,
    ...(ctx.token.kind === 'bot' ? { bot_id: BOT_ID } : {}),
    is_enterprise_install: false,
  };
}

export const METHODS: Record<string, MethodSpec> = {
  'auth.test': { tier: 'special', scopes: [], handler: authTest },
  'conversations.list': {
    tier: 2,
    scopes: ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
    handler: conversationsList,
  },
  'conversations.info': {
    tier: 3,
    scopes: ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
    handler: conversationsInfo,
  },
  'conversations.history': {
    tier: 3,
    scopes: ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
    handler: conversationsHistory,
  },
  'conversations.replies': {
    tier: 3,
    scopes: ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
    handler: conversationsReplies,
  },
  'chat.postMessage': {
    tier: 'post',
    limitKey: (p) => p.channel ?? '',
    scopes: ['chat:write'],
    handler: chatPostMessage,
  },
  'chat.getPermalink': { tier: 'special', scopes: [], handler: chatGetPermalink },
  'reactions.add': { tier: 3, scopes: ['reactions:write'], handler: reactionsAdd },
  'users.list': { tier: 2, scopes: ['users:read'], handler: usersList },
  'users.info': { tier: 4, scopes: ['users:read'], handler: usersInfo },
  'search.messages': { tier: 2, scopes: ['search:read'], handler: searchMessages },
};

/** History and replies for apps outside the Marketplace: 1 request a minute (since 2025). */
export const NON_MARKETPLACE_LIMITED = new Set(['conversations.history', 'conversations.replies']);
