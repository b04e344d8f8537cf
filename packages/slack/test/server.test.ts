import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCursor, requestKey } from '@mcpkit/core';
import { checkToolSnapshots, ERAS, type TestClient } from '@mcpkit/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SlackStandin, startSlackStandin, TOKENS } from './standin/server.js';
import { CHANNELS, USERS } from './standin/workspace.js';
import { slackContract, violations } from './support/conformance.js';
import { call, slackClient, toolNames } from './support/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const READ_TOOLS = [
  'get_channel',
  'get_channel_history',
  'get_thread',
  'get_user',
  'list_channels',
  'list_users',
  'search_messages',
];
const WRITE_OPTIONS = {
  allowWrites: true,
  postChannels: [CHANNELS.general, CHANNELS.threads, CHANNELS.archived],
};

let standin: SlackStandin;
const clients: TestClient[] = [];

beforeAll(async () => {
  // Compiled before any request: it takes a while and would stall the connections.
  slackContract();
  standin = await startSlackStandin({ rateLimits: { enabled: false } });
});
afterAll(() => standin.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  expect(violations(standin.log)).toEqual([]);
  standin.setMarketplace(true);
  standin.setRateLimits({ enabled: false, windowMs: 60_000, perMethod: {} });
});

describe('tools follow the configuration', () => {
  it('snapshots every tool schema', async () => {
    const client = await slackClient(standin, { options: WRITE_OPTIONS });
    clients.push(client);
    const tools = (await client.listTools()).tools;
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, 'add_reaction', 'post_message'].sort());
    checkToolSnapshots(tools, path.join(here, '__toolsnaps__'));
  });

  it('lists no write tool without --post-channels (even with --allow-writes), and none with --read-only', async () => {
    const plain = await slackClient(standin);
    const allowOnly = await slackClient(standin, { options: { allowWrites: true } });
    const channelsOnly = await slackClient(standin, { options: { postChannels: '*' } });
    clients.push(plain, allowOnly, channelsOnly);
    for (const c of [plain, allowOnly]) expect(await toolNames(c)).toEqual(READ_TOOLS);
    // --post-channels alone turns posting on, to those channels only.
    expect(await toolNames(channelsOnly)).toEqual([...READ_TOOLS, 'add_reaction', 'post_message'].sort());
    const readOnly = await slackClient(standin, { options: { ...WRITE_OPTIONS, readOnly: true } });
    clients.push(readOnly);
    expect(await toolNames(readOnly)).toEqual(READ_TOOLS);
  });

  it('does not list search_messages with only a bot token', async () => {
    const client = await slackClient(standin, { user: null });
    clients.push(client);
    expect(await toolNames(client)).toEqual(READ_TOOLS.filter((t) => t !== 'search_messages'));
  });

  it('starts and lists tools with Slack unreachable, and says so on a call', async () => {
    const client = await slackClient({ apiUrl: 'http://127.0.0.1:9/api/' });
    clients.push(client);
    expect(await toolNames(client)).toEqual(READ_TOOLS);
    const r = await call(client, 'get_channel', { channel: CHANNELS.general });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/Slack API error: unreachable/);
  }, 20_000);

  it('reads a token from SLACK_BOT_TOKEN_FILE', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpkit-slack-'));
    try {
      fs.writeFileSync(path.join(dir, 'bot'), `${TOKENS.bot}\n`);
      const client = await slackClient(standin, {
        bot: null,
        user: null,
        env: { SLACK_BOT_TOKEN_FILE: path.join(dir, 'bot') },
      });
      clients.push(client);
      expect((await call(client, 'get_channel', { channel: CHANNELS.general })).isError).toBe(false);
      expect(standin.log.at(-1)!.token).toBe('bot');
      await expect(
        slackClient(standin, {
          bot: null,
          user: null,
          env: { SLACK_BOT_TOKEN_FILE: path.join(dir, 'missing') },
        }),
      ).rejects.toThrow(/^SLACK_BOT_TOKEN_FILE could not be read \(ENOENT\)$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists public channels and says why private ones are missing without groups:read', async () => {
    const client = await slackClient(standin, { bot: TOKENS.narrowBot, user: null });
    clients.push(client);
    const r = await call(client, 'list_channels', {});
    expect(r.isError).toBe(false);
    expect(r.structured.private_unavailable).toBe(true);
    expect(r.structured.channels.some((c: any) => c.private)).toBe(false);
    expect(r.text).toMatch(/private channels are not listed: the token lacks groups:read/);
  });

  it('refuses bad options and a missing token clearly', async () => {
    await expect(slackClient(standin, { options: { postChannels: 'general' } })).rejects.toThrow(
      /--post-channels/,
    );
    await expect(slackClient(standin, { bot: null, user: null })).rejects.toThrow(/SLACK_BOT_TOKEN/);
  });
});

describe.each(ERAS)('%s era', (era) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await slackClient(standin, { era });
  });
  afterAll(() => client.close());

  it('list_channels: names, filters and paging with an opaque cursor', async () => {
    const all = await call(client, 'list_channels', {});
    expect(all.isError).toBe(false);
    const names = all.structured.channels.map((c: any) => c.name);
    expect(names).toContain('private-team');
    expect(names).not.toContain('old-project');
    expect(names).not.toContain('secret-plans');
    expect(all.text).toMatch(/#general \(C0GENERAL1\) · public · member/);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(client, 'list_channels', {
        include_archived: true,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...r.structured.channels.map((c: any) => c.id));
      cursor = r.structured.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen).toContain(CHANNELS.archived);

    const filtered = await call(client, 'list_channels', { name_contains: 'THREAD' });
    expect(filtered.structured.channels.map((c: any) => c.id)).toEqual([CHANNELS.threads]);
    const bad = await call(client, 'list_channels', { cursor: 'not-a-cursor' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/Invalid cursor/);
  });

  it('get_channel by #name and id; an unknown channel is an isError', async () => {
    const byName = await call(client, 'get_channel', { channel: '#general' });
    expect(byName.structured).toMatchObject({
      id: CHANNELS.general,
      name: 'general',
      general: true,
      members: 5,
    });
    expect(byName.text).toMatch(/Purpose: This channel is for workspace-wide communication/);
    const missing = await call(client, 'get_channel', { channel: 'C0NOTHERE99' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/^Slack API error: channel_not_found/);
  });

  it('get_channel_history pages 1,000 messages 100 at a time, each exactly once, names resolved', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let first: any;
    do {
      const r = await call(client, 'get_channel_history', {
        channel: CHANNELS.history,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.isError).toBe(false);
      first ??= r;
      seen.push(...r.structured.messages.map((m: any) => m.ts));
      cursor = r.structured.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(first.structured.messages).toHaveLength(100);
    // Names, not only ids; files as name and id; reactions summarised.
    expect(first.text).toMatch(/\] (Alice|Bob|Carol|carol\.c|Dave) \(U0[A-Z0-9]+\) ts=/);
    const withFile = seen.length && first.structured.messages.find((m: any) => m.files);
    expect(withFile.files[0]).toEqual({
      id: expect.stringMatching(/^F0/),
      name: expect.stringMatching(/\.pdf$/),
    });
    expect(Object.keys(withFile.files[0])).toEqual(['id', 'name']);
  });

  it('get_channel_history bounds time with ISO times or ts', async () => {
    const r = await call(client, 'get_channel_history', {
      channel: CHANNELS.history,
      oldest: '2023-11-14T22:13:00Z',
      latest: '1700000300.000000',
    });
    // Messages at 1700000000 + 60 i: i = 0..4 fall in [22:13:00, 1700000300).
    expect(r.structured.messages.map((m: any) => m.text.split(' ')[0])).toEqual([
      '#5',
      '#4',
      '#3',
      '#2',
      '#1',
    ]);
    const bad = await call(client, 'get_channel_history', { channel: CHANNELS.history, oldest: 'last week' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/oldest: "last week" is neither a Slack ts/);
  });

  it('keeps 50 long messages under 20,000 characters a result, cut with a mark, all reachable', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call(client, 'get_channel_history', {
        channel: CHANNELS.long,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.size).toBeLessThan(20_000);
      expect(r.text).toMatch(/… \[\d+ more characters\]/);
      for (const m of r.structured.messages) {
        expect(m.text.length).toBeLessThan(2_100);
        expect(m.cut_chars).toBeGreaterThan(0);
        seen.add(m.ts);
      }
      cursor = r.structured.next_cursor;
      pages++;
    } while (cursor && pages < 30);
    expect(seen.size).toBe(50);
  });

  it('get_thread: parent first, replies oldest first, across pages', async () => {
    const history = await call(client, 'get_channel_history', { channel: CHANNELS.threads, limit: 10 });
    const parent = history.structured.messages.find((m: any) => m.reply_count === 40);
    expect(history.text).toContain(`40 replies (get_thread thread_ts=${parent.ts})`);
    const rows: any[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(client, 'get_thread', {
        channel: CHANNELS.threads,
        thread_ts: parent.ts,
        limit: 15,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.isError).toBe(false);
      rows.push(...r.structured.messages);
      cursor = r.structured.next_cursor;
    } while (cursor);
    expect(rows).toHaveLength(41);
    expect(rows[0].ts).toBe(parent.ts);
    expect(rows[0].text).toMatch(/Release plan/);
    const replies = rows.slice(1).map((m) => m.ts);
    expect([...replies].sort()).toEqual(replies);
    const lunch = history.structured.messages.find((m: any) => m.reply_count === 2);
    const small = await call(client, 'get_thread', { channel: CHANNELS.threads, thread_ts: lunch.ts });
    // A mention inside the text reads as a name.
    expect(small.text).toContain('Yes, @Alice too');
    const missing = await call(client, 'get_thread', {
      channel: CHANNELS.threads,
      thread_ts: '1111111111.000001',
    });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/thread_not_found/);
  });

  it('get_thread of long replies stops pages early and still reaches every reply once', async () => {
    const oldest = await call(client, 'get_channel_history', {
      channel: CHANNELS.long,
      oldest: '1701000000',
      latest: '1701000001',
    });
    const parent = oldest.structured.messages[0];
    expect(parent.reply_count).toBe(8);
    const rows: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call(client, 'get_thread', {
        channel: CHANNELS.long,
        thread_ts: parent.ts,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.size).toBeLessThan(20_000);
      if (r.structured.next_cursor) expect(r.text).toMatch(/the page stopped after \d+ messages/);
      rows.push(...r.structured.messages);
      cursor = r.structured.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(rows.map((m) => m.ts)).toEqual([
      parent.ts,
      ...rows
        .slice(1)
        .map((m) => m.ts)
        .sort(),
    ]);
    expect(new Set(rows.map((m) => m.ts)).size).toBe(9);
  });

  it('search_messages of long matches stops within a Slack page and resumes inside it', async () => {
    const keys: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    let total = 0;
    do {
      const r = await call(client, 'search_messages', {
        query: 'in:#long-messages',
        limit: 20,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.size).toBeLessThan(20_000);
      total = r.structured.total;
      keys.push(...r.structured.matches.map((m: any) => m.ts));
      cursor = r.structured.next_cursor;
      calls++;
    } while (cursor && calls < 40);
    expect(total).toBe(58);
    expect(keys).toHaveLength(58);
    expect(new Set(keys).size).toBe(58);
    // Slack saw each of its 3 pages of 20 more than once: the cursor resumed inside them.
    const pages = standin.requests('search.messages').filter((e) => e.params.query === 'in:#long-messages');
    expect(new Set(pages.map((e) => e.params.page))).toEqual(new Set(['1', '2', '3']));
  });

  it('search_messages stops at Slack’s 100th page and says so', async () => {
    const query = 'in:#history-1000';
    const first = await call(client, 'search_messages', { query, limit: 1 });
    expect(first.structured.total).toBe(1000);
    // The cursor a model would hold after 99 pages of one match each.
    const cursor = encodeCursor({ p: 100, n: 1, k: 0 }, requestKey('search_messages', query, 'timestamp'));
    const last = await call(client, 'search_messages', { query, limit: 1, cursor });
    expect(last.structured.matches).toHaveLength(1);
    expect(last.structured.next_cursor).toBeUndefined();
    expect(last.text).toMatch(/only the first 100 pages of a search; narrow the query/);
  });

  it('search_messages pages Slack page numbers behind the cursor, each match once', async () => {
    const keys: string[] = [];
    let cursor: string | undefined;
    let total = 0;
    do {
      const r = await call(client, 'search_messages', {
        query: 'deploy',
        limit: 25,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.isError).toBe(false);
      total = r.structured.total;
      keys.push(...r.structured.matches.map((m: any) => `${m.channel.id}/${m.ts}`));
      cursor = r.structured.next_cursor;
    } while (cursor);
    expect(total).toBeGreaterThan(25);
    expect(keys).toHaveLength(total);
    expect(new Set(keys).size).toBe(total);
    const pages = standin
      .requests('search.messages')
      .filter((e) => e.params.query === 'deploy')
      .map((e) => e.params.page);
    expect(pages.slice(-3)).toEqual(expect.arrayContaining([String(Math.ceil(total / 25))]));
    const scoped = await call(client, 'search_messages', { query: 'deploy in:#general from:@carol' });
    expect(scoped.structured.matches).toHaveLength(1);
    expect(scoped.text).toMatch(/#general \(C0GENERAL1\) carol\.c ts=/);
    expect(scoped.structured.matches[0].permalink).toMatch(
      /^https:\/\/standin\.slack\.com\/archives\/C0GENERAL1\/p/,
    );
  });

  it('list_users and get_user', async () => {
    const list = await call(client, 'list_users', {});
    expect(list.structured.users.map((u: any) => u.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    const withBots = await call(client, 'list_users', {
      include_bots: true,
      include_deactivated: true,
      limit: 4,
    });
    expect(withBots.structured.users).toHaveLength(4);
    const rest = await call(client, 'list_users', {
      include_bots: true,
      include_deactivated: true,
      limit: 4,
      cursor: withBots.structured.next_cursor,
    });
    expect(rest.structured.users.map((u: any) => u.name)).toEqual(['gone', 'standin-bot']);
    const alice = await call(client, 'get_user', { user: USERS.alice });
    expect(alice.structured).toMatchObject({
      id: USERS.alice,
      display_name: 'Alice',
      title: 'Engineering lead',
    });
    const notId = await call(client, 'get_user', { user: 'alice' });
    expect(notId.isError).toBe(true);
    expect(notId.text).toMatch(/list_users/);
    const unknown = await call(client, 'get_user', { user: 'U0NOBODY99' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/user_not_found/);
  });

  it('ok:false is always an isError result, with needed/provided for missing_scope, never a token', async () => {
    const narrow = await slackClient(standin, { era, bot: TOKENS.narrowBot, user: null });
    clients.push(narrow);
    const scope = await call(narrow, 'get_channel_history', { channel: CHANNELS.general });
    expect(scope.isError).toBe(true);
    expect(scope.text).toMatch(/missing_scope.*channels:history/);
    const notIn = await call(client, 'get_channel_history', { channel: CHANNELS.notJoined });
    expect(notIn.isError).toBe(true);
    expect(notIn.text).toMatch(/not_in_channel.*invite/);
    for (const r of [scope, notIn]) expect(JSON.stringify(r)).not.toMatch(/xox[bp]-/);
  });

  it('every tool answers Slack’s ok:false as an isError result, never a success', async () => {
    const revoked = await slackClient(standin, {
      era,
      bot: 'xoxb-standin-revoked',
      user: 'xoxp-standin-revoked',
      options: { allowWrites: true, postChannels: '*' },
    });
    clients.push(revoked);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['list_channels', {}],
      ['get_channel', { channel: CHANNELS.general }],
      ['get_channel_history', { channel: CHANNELS.general }],
      ['get_thread', { channel: CHANNELS.threads, thread_ts: '1702000000.000100' }],
      ['search_messages', { query: 'deploy' }],
      ['list_users', {}],
      ['get_user', { user: USERS.alice }],
      ['post_message', { channel: CHANNELS.general, text: 'x' }],
      ['add_reaction', { channel: CHANNELS.general, timestamp: '1703000000.000100', name: 'eyes' }],
    ];
    expect(calls.map(([name]) => name).sort()).toEqual(await toolNames(revoked));
    for (const [name, args] of calls) {
      const r = await call(revoked, name, args);
      expect({ name, isError: r.isError, text: r.text }).toMatchObject({
        isError: true,
        text: expect.stringMatching(/^Slack API error: invalid_auth; The Slack token was rejected/),
      });
      expect(r.text).not.toMatch(/xox[bp]-/);
    }
  });

  it('posting: refused outside --post-channels with no request to Slack; allowed posts land, unfurling off', async () => {
    const writer = await slackClient(standin, {
      era,
      options: { allowWrites: true, postChannels: CHANNELS.general },
    });
    clients.push(writer);
    const posts = () => standin.requests('chat.postMessage').length;
    const before = standin.log.length;
    const refused = await call(writer, 'post_message', { channel: CHANNELS.threads, text: 'hello' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/not allowed.*C0GENERAL1.*Nothing was sent/);
    const refusedReaction = await call(writer, 'add_reaction', {
      channel: CHANNELS.threads,
      timestamp: '1702000000.000100',
      name: 'eyes',
    });
    expect(refusedReaction.isError).toBe(true);
    expect(standin.log.length).toBe(before);

    const sent = await call(writer, 'post_message', {
      channel: '#general',
      text: `**Deploy** done (${era})`,
    });
    expect(sent.isError).toBe(false);
    expect(sent.structured.permalink).toMatch(/\/archives\/C0GENERAL1\/p\d{16}$/);
    const request = standin.requests('chat.postMessage').at(-1)!;
    expect(request.params).toMatchObject({
      text: `*Deploy* done (${era})`,
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(posts()).toBeGreaterThan(0);

    const reply = await call(writer, 'post_message', {
      channel: CHANNELS.general,
      text: 'in thread',
      thread_ts: sent.structured.ts,
    });
    expect(reply.isError).toBe(false);
    const thread = await call(writer, 'get_thread', {
      channel: CHANNELS.general,
      thread_ts: sent.structured.ts,
    });
    expect(thread.structured.messages.map((m: any) => m.text)).toEqual([
      `*Deploy* done (${era})`,
      'in thread',
    ]);

    const react = await call(writer, 'add_reaction', {
      channel: CHANNELS.general,
      timestamp: sent.structured.ts,
      name: ':tada:',
    });
    expect(react.isError).toBe(false);
    const again = await call(writer, 'add_reaction', {
      channel: CHANNELS.general,
      timestamp: sent.structured.ts,
      name: 'tada',
    });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already_reacted/);
  });

  it('posting to an archived allowed channel answers is_archived', async () => {
    const writer = await slackClient(standin, { era, options: WRITE_OPTIONS });
    clients.push(writer);
    const r = await call(writer, 'post_message', { channel: CHANNELS.archived, text: 'x' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/is_archived/);
  });

  it('a 429 is an isError with the retry-after within 1.5 s, and the next call works', async () => {
    standin.setRateLimits({ enabled: true, windowMs: 1_000, perMethod: { 'users.info': 1 } });
    const fresh = await slackClient(standin, { era });
    clients.push(fresh);
    expect((await call(fresh, 'get_user', { user: USERS.bob })).isError).toBe(false);
    const started = Date.now();
    const limited = await call(fresh, 'get_user', { user: USERS.carol });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(limited.isError).toBe(true);
    expect(limited.text).toMatch(/ratelimited; rate limited: retry after 1 s/);
    expect((await call(fresh, 'get_channel', { channel: CHANNELS.general })).isError).toBe(false);
    await expect
      .poll(async () => (await call(fresh, 'get_user', { user: USERS.carol })).isError, { timeout: 5_000 })
      .toBe(false);
  });

  it('outside the Marketplace: 100 asked, 15 given, and the result says so', async () => {
    standin.setMarketplace(false);
    standin.setRateLimits({ enabled: true, windowMs: 1_000 });
    const limited = await slackClient(standin, { era, options: { marketplaceApp: false } });
    clients.push(limited);
    const r = await call(limited, 'get_channel_history', { channel: CHANNELS.history, limit: 100 });
    expect(r.isError).toBe(false);
    expect(r.structured.messages).toHaveLength(15);
    expect(r.structured.clamped).toMatchObject({ requested: 100, applied: 15 });
    expect(r.text).toMatch(/asked for 100 messages, Slack gives 15 a call: .*Marketplace/);
    expect(standin.requests('conversations.history').at(-1)!.params.limit).toBe('15');
  });

  it('detects the non-Marketplace mode from Slack’s answer when not configured', async () => {
    standin.setMarketplace(false);
    const auto = await slackClient(standin, { era });
    clients.push(auto);
    const r = await call(auto, 'get_channel_history', { channel: CHANNELS.history, limit: 50 });
    expect(r.structured.messages).toHaveLength(15);
    expect(r.text).toMatch(/asked for 50 messages, Slack gives 15 a call: .*detected/);
  });
});
