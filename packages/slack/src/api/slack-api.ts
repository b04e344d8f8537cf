import type { WebClient } from '@slack/web-api';
import { TtlCache } from './cache.js';
import { type ClientOptions, createWebClient } from './client.js';
import { SlackApiError, slackErrorData } from './errors.js';
import { type Clamp, type MarketplaceSetting, RateMode } from './rate-mode.js';

// The Slack calls the tools need, on the vendor's WebClient, answering plain data. Failures throw
// SlackApiError (plain data too). What is expensive to ask for often (user names, the channel list) is
// cached with a TTL; one instance serves every connection.

export interface SlackApiOptions extends ClientOptions {
  botToken?: string;
  userToken?: string;
  /** true: the app is in the Marketplace; false: it is not; 'auto' (default): detect. */
  marketplaceApp?: MarketplaceSetting;
  /** How long user names and the channel list are kept (default 10 minutes). */
  cacheTtlMs?: number;
}

export interface ChannelSummary {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isMember: boolean;
  isGeneral: boolean;
  numMembers?: number;
  topic: string;
  purpose: string;
  created?: number;
}

export interface ChannelDirectory {
  channels: ChannelSummary[];
  /** False when the workspace has more channels than the directory reads. */
  complete: boolean;
  /** False when the token could not list private channels (no groups:read). */
  privateIncluded: boolean;
}

export interface SlackFile {
  id: string;
  name: string;
}

export interface SlackMessage {
  ts: string;
  user?: string;
  botId?: string;
  username?: string;
  subtype?: string;
  text: string;
  threadTs?: string;
  replyCount?: number;
  latestReply?: string;
  reactions: Array<{ name: string; count: number }>;
  files: SlackFile[];
}

export interface MessagePage {
  messages: SlackMessage[];
  hasMore: boolean;
  /** Slack's cursor for the next page. */
  nextCursor?: string;
  /** Set when fewer messages were asked for than requested (apps outside the Marketplace). */
  clamp?: Clamp;
}

export interface UserSummary {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  isBot: boolean;
  deleted: boolean;
  tz?: string;
  title?: string;
  email?: string;
}

export interface SearchMatch {
  channelId: string;
  channelName: string;
  ts: string;
  user?: string;
  username?: string;
  text: string;
  permalink?: string;
}

export interface SearchPage {
  total: number;
  page: number;
  pages: number;
  matches: SearchMatch[];
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
/** The directory of channels is read in pages of 1,000 (Slack's maximum), at most this many. */
const DIRECTORY_PAGES = 5;
/** Unknown user ids looked up per call at most; the rest show as ids. */
const USER_LOOKUPS_PER_CALL = 25;

type Raw = Record<string, any>;

function toChannel(c: Raw): ChannelSummary {
  return {
    id: String(c.id),
    name: String(c.name ?? c.id),
    isPrivate: Boolean(c.is_private),
    isArchived: Boolean(c.is_archived),
    isMember: Boolean(c.is_member),
    isGeneral: Boolean(c.is_general),
    ...(typeof c.num_members === 'number' ? { numMembers: c.num_members } : {}),
    topic: String(c.topic?.value ?? ''),
    purpose: String(c.purpose?.value ?? ''),
    ...(typeof c.created === 'number' ? { created: c.created } : {}),
  };
}

function toMessage(m: Raw): SlackMessage {
  return {
    ts: String(m.ts),
    ...(m.user ? { user: String(m.user) } : {}),
    ...(m.bot_id ? { botId: String(m.bot_id) } : {}),
    ...(m.username ? { username: String(m.username) } : {}),
    ...(m.subtype ? { subtype: String(m.subtype) } : {}),
    text: String(m.text ?? ''),
    ...(m.thread_ts ? { threadTs: String(m.thread_ts) } : {}),
    ...(typeof m.reply_count === 'number' ? { replyCount: m.reply_count } : {}),
    ...(m.latest_reply ? { latestReply: String(m.latest_reply) } : {}),
    reactions: Array.isArray(m.reactions)
      ? m.reactions.map((r: Raw) => ({
          name: String(r.name),
          count: Number(r.count ?? r.users?.length ?? 0),
        }))
      : [],
    files: Array.isArray(m.files)
      ? m.files.map((f: Raw) => ({ id: String(f.id), name: String(f.name ?? f.title ?? f.id) }))
      : [],
  };
}

function toUser(u: Raw): UserSummary {
  const p = u.profile ?? {};
  return {
    id: String(u.id),
    name: String(u.name ?? u.id),
    realName: String(u.real_name ?? p.real_name ?? ''),
    displayName: String(p.display_name || u.real_name || u.name || u.id),
    isBot: Boolean(u.is_bot),
    deleted: Boolean(u.deleted),
    ...(u.tz ? { tz: String(u.tz) } : {}),
    ...(p.title ? { title: String(p.title) } : {}),
    ...(p.email ? { email: String(p.email) } : {}),
  };
}

export class SlackApi {
  readonly mode: RateMode;
  readonly #options: SlackApiOptions;
  #bot?: WebClient;
  #user?: WebClient;
  readonly #users: TtlCache<UserSummary | null>;
  readonly #directory: TtlCache<ChannelDirectory>;

  constructor(options: SlackApiOptions) {
    this.#options = options;
    this.mode = new RateMode(options.marketplaceApp ?? 'auto');
    const ttl = options.cacheTtlMs ?? 10 * 60_000;
    this.#users = new TtlCache(ttl);
    this.#directory = new TtlCache(ttl, 4);
  }

  get hasBotToken(): boolean {
    return !!this.#options.botToken;
  }

  get hasUserToken(): boolean {
    return !!this.#options.userToken;
  }

  /** The client reads go through: the bot token, else the user token. */
  #reader(): WebClient {
    if (this.#options.botToken) {
      this.#bot ??= createWebClient(this.#options.botToken, this.#options);
      return this.#bot;
    }
    return this.#searcher();
  }

  #searcher(): WebClient {
    if (!this.#options.userToken) {
      throw new SlackApiError({
        code: 'not_authed',
        message: 'No Slack user token is configured (SLACK_USER_TOKEN).',
      });
    }
    this.#user ??= createWebClient(this.#options.userToken, this.#options);
    return this.#user;
  }

  async #call<T>(method: string, client: () => WebClient, args: Raw): Promise<T> {
    let c: WebClient;
    try {
      c = client();
    } catch (e) {
      throw new SlackApiError(slackErrorData(e));
    }
    this.mode.recordCall(method);
    try {
      return (await c.apiCall(method, args)) as T;
    } catch (e) {
      const data = slackErrorData(e);
      if (data.code === 'ratelimited' && this.mode.noteRateLimited(method)) {
        data.message = `${data.message} ${this.mode.reason()}; later calls ask for at most 15 messages.`;
      }
      throw new SlackApiError(data);
    }
  }

  async listChannelsPage(args: {
    types: string[];
    excludeArchived: boolean;
    limit: number;
    cursor?: string;
  }): Promise<{ channels: ChannelSummary[]; nextCursor?: string }> {
    const r = await this.#call<Raw>('conversations.list', () => this.#reader(), {
      types: args.types.join(','),
      exclude_archived: args.excludeArchived,
      limit: args.limit,
      ...(args.cursor ? { cursor: args.cursor } : {}),
    });
    const next = r.response_metadata?.next_cursor;
    return { channels: (r.channels ?? []).map(toChannel), ...(next ? { nextCursor: String(next) } : {}) };
  }

  /**
   * Every channel the token can see, archived included, cached. Private channels need groups:read;
   * without it the directory holds the public ones.
   */
  channelDirectory(): Promise<ChannelDirectory> {
    return this.#directory.getOrLoad('all', async () => {
      const load = async (types: string[]): Promise<ChannelDirectory> => {
        const channels: ChannelSummary[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < DIRECTORY_PAGES; i++) {
          const page = await this.listChannelsPage({ types, excludeArchived: false, limit: 1000, cursor });
          channels.push(...page.channels);
          cursor = page.nextCursor;
          if (!cursor) break;
        }
        return { channels, complete: !cursor, privateIncluded: types.includes('private_channel') };
      };
      try {
        return await load(['public_channel', 'private_channel']);
      } catch (e) {
        if (e instanceof SlackApiError && e.data.code === 'missing_scope') return load(['public_channel']);
        throw e;
      }
    });
  }

  /** A channel from the cached directory, if it is loaded; never calls Slack. */
  knownChannel(id: string): ChannelSummary | undefined {
    return this.#directory.get('all')?.channels.find((c) => c.id === id);
  }

  /** A channel id for an id, a name or a #name. */
  async resolveChannel(ref: string): Promise<string> {
    const s = ref.trim();
    if (CHANNEL_ID.test(s)) return s;
    const name = s.replace(/^#/, '').toLowerCase();
    const hit = (await this.channelDirectory()).channels.find((c) => c.name.toLowerCase() === name);
    if (!hit) {
      throw new SlackApiError({
        code: 'channel_not_found',
        message: `No channel named #${name} is visible to this token; list_channels shows the ones that are.`,
      });
    }
    return hit.id;
  }

  async channelInfo(channel: string): Promise<ChannelSummary> {
    const r = await this.#call<Raw>('conversations.info', () => this.#reader(), {
      channel,
      include_num_members: true,
    });
    return toChannel(r.channel ?? {});
  }

  async #messages(
    method: 'conversations.history' | 'conversations.replies',
    args: Raw,
    requested: number,
  ): Promise<MessagePage> {
    const { limit, clamp } = this.mode.clampMessages(requested);
    const r = await this.#call<Raw>(method, () => this.#reader(), { ...args, limit });
    const messages = (r.messages ?? []).map(toMessage);
    const next = r.response_metadata?.next_cursor;
    const hasMore = Boolean(r.has_more) || !!next;
    // Slack cutting a page to 15 while more remain: the app is outside the Marketplace.
    const detected = this.mode.notePage(method, limit, r.messages?.length ?? 0, hasMore);
    const reported =
      clamp ??
      (detected ? { requested, applied: r.messages?.length ?? 0, reason: this.mode.reason() } : undefined);
    return {
      messages,
      hasMore,
      ...(next ? { nextCursor: String(next) } : {}),
      ...(reported ? { clamp: reported } : {}),
    };
  }

  history(args: {
    channel: string;
    oldest?: string;
    latest?: string;
    inclusive?: boolean;
    limit: number;
    cursor?: string;
  }): Promise<MessagePage> {
    return this.#messages(
      'conversations.history',
      {
        channel: args.channel,
        ...(args.oldest ? { oldest: args.oldest } : {}),
        ...(args.latest ? { latest: args.latest } : {}),
        ...(args.inclusive ? { inclusive: true } : {}),
        ...(args.cursor ? { cursor: args.cursor } : {}),
      },
      args.limit,
    );
  }

  replies(args: {
    channel: string;
    ts: string;
    oldest?: string;
    inclusive?: boolean;
    limit: number;
    cursor?: string;
  }): Promise<MessagePage> {
    return this.#messages(
      'conversations.replies',
      {
        channel: args.channel,
        ts: args.ts,
        ...(args.oldest ? { oldest: args.oldest } : {}),
        ...(args.inclusive ? { inclusive: true } : {}),
        ...(args.cursor ? { cursor: args.cursor } : {}),
      },
      args.limit,
    );
  }

  async search(args: {
    query: string;
    count: number;
    page: number;
    sort?: 'score' | 'timestamp';
    sortDir?: 'asc' | 'desc';
  }): Promise<SearchPage> {
    const r = await this.#call<Raw>('search.messages', () => this.#searcher(), {
      query: args.query,
      count: args.count,
      page: args.page,
      highlight: false,
      ...(args.sort ? { sort: args.sort } : {}),
      ...(args.sortDir ? { sort_dir: args.sortDir } : {}),
    });
    const m = r.messages ?? {};
    return {
      total: Number(m.total ?? m.paging?.total ?? 0),
      page: Number(m.paging?.page ?? args.page),
      pages: Number(m.paging?.pages ?? 1),
      matches: (m.matches ?? []).map((x: Raw) => ({
        channelId: String(x.channel?.id ?? ''),
        channelName: String(x.channel?.name ?? ''),
        ts: String(x.ts),
        ...(x.user ? { user: String(x.user) } : {}),
        ...(x.username ? { username: String(x.username) } : {}),
        text: String(x.text ?? ''),
        ...(x.permalink ? { permalink: String(x.permalink) } : {}),
      })),
    };
  }

  async listUsers(args: {
    limit: number;
    cursor?: string;
  }): Promise<{ users: UserSummary[]; nextCursor?: string }> {
    const r = await this.#call<Raw>('users.list', () => this.#reader(), {
      limit: args.limit,
      ...(args.cursor ? { cursor: args.cursor } : {}),
    });
    const users = (r.members ?? []).map(toUser);
    for (const u of users) this.#users.set(u.id, u);
    const next = r.response_metadata?.next_cursor;
    return { users, ...(next ? { nextCursor: String(next) } : {}) };
  }

  /** One user, cached; unknown users are remembered as null for the TTL too. */
  async user(id: string): Promise<UserSummary> {
    const u = await this.#users.getOrLoad(id, async () => {
      try {
        const r = await this.#call<Raw>('users.info', () => this.#reader(), { user: id });
        return toUser(r.user ?? {});
      } catch (e) {
        if (e instanceof SlackApiError && e.data.code === 'user_not_found') return null;
        throw e;
      }
    });
    if (!u) throw new SlackApiError({ code: 'user_not_found', message: `No user with id ${id}.` });
    return u;
  }

  /**
   * Display names for user ids, from the cache or users.info (a bounded number per call). Ids that
   * cannot be resolved (rate limit, no scope) are simply left out: names are a courtesy.
   */
  async userNames(ids: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unknown: string[] = [];
    for (const id of new Set(ids)) {
      if (!USER_ID.test(id)) continue;
      const hit = this.#users.get(id);
      if (hit) out.set(id, hit.displayName);
      else if (hit === undefined) unknown.push(id);
    }
    await Promise.all(
      unknown.slice(0, USER_LOOKUPS_PER_CALL).map(async (id) => {
        try {
          out.set(id, (await this.user(id)).displayName);
        } catch {
          // left as an id
        }
      }),
    );
    return out;
  }

  async postMessage(args: {
    channel: string;
    text: string;
    threadTs?: string;
    replyBroadcast?: boolean;
  }): Promise<{ channel: string; ts: string; permalink?: string }> {
    const r = await this.#call<Raw>('chat.postMessage', () => this.#reader(), {
      channel: args.channel,
      text: args.text,
      mrkdwn: true,
      unfurl_links: false,
      unfurl_media: false,
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
      ...(args.threadTs && args.replyBroadcast ? { reply_broadcast: true } : {}),
    });
    const channel = String(r.channel ?? args.channel);
    const ts = String(r.ts);
    let permalink: string | undefined;
    try {
      const p = await this.#call<Raw>('chat.getPermalink', () => this.#reader(), { channel, message_ts: ts });
      if (p.permalink) permalink = String(p.permalink);
    } catch {
      // the post succeeded; a permalink is a convenience
    }
    return { channel, ts, ...(permalink ? { permalink } : {}) };
  }

  async addReaction(args: { channel: string; timestamp: string; name: string }): Promise<void> {
    await this.#call<Raw>('reactions.add', () => this.#reader(), {
      channel: args.channel,
      timestamp: args.timestamp,
      name: args.name.replace(/^:|:$/g, ''),
    });
  }
}
