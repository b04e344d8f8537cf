import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SlackStandin, startSlackStandin, TOKENS } from './standin/server.js';
import { CHANNELS, USERS } from './standin/workspace.js';
import { slackContract, violations } from './support/conformance.js';

// The stand-in behaves as the Web API does, and every answer it gives conforms to Slack's spec.

type Body = Record<string, any>;

let standin: SlackStandin;

async function call(method: string, params: Record<string, string> = {}, token: string = TOKENS.bot) {
  const res = await fetch(`${standin.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}

beforeAll(async () => {
  // Compiled before any request: it takes a while and would stall the connections.
  slackContract();
  standin = await startSlackStandin();
});
afterAll(() => standin.close());
afterEach(() => {
  expect(violations(standin.log)).toEqual([]);
  standin.setMarketplace(true);
  standin.setRateLimits({ enabled: true, windowMs: 60_000, perMethod: {} });
});

describe('requests and auth', () => {
  it('reads form, JSON and query bodies alike', async () => {
    const form = await call('conversations.info', { channel: CHANNELS.general });
    const json = await fetch(`${standin.apiUrl}conversations.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.bot}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNELS.general }),
    }).then((r) => r.json() as Promise<Body>);
    const query = await fetch(
      `${standin.apiUrl}conversations.info?channel=${CHANNELS.general}&token=${TOKENS.bot}`,
    ).then((r) => r.json() as Promise<Body>);
    for (const body of [form.body, json, query]) {
      expect(body.ok).toBe(true);
      expect(body.channel.name).toBe('general');
    }
  });

  it('answers not_authed, invalid_auth, and ignores a token inside a JSON body', async () => {
    const none = await fetch(`${standin.apiUrl}auth.test`, { method: 'POST' }).then((r) => r.json());
    expect(none).toEqual({ ok: false, error: 'not_authed' });
    expect((await call('auth.test', {}, 'xoxb-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
    const jsonToken = await fetch(`${standin.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKENS.bot }),
    }).then((r) => r.json());
    expect(jsonToken).toEqual({ ok: false, error: 'not_authed' });
  });

  it('checks scopes per token and says which is needed', async () => {
    const r = await call('conversations.history', { channel: CHANNELS.general }, TOKENS.narrowBot);
    expect(r.body).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: 'channels:history',
      provided: 'channels:read',
    });
    expect(r.headers.get('x-oauth-scopes')).toBe('channels:read');
  });

  it('logs every request with its parameters and the token label, never the token', async () => {
    const before = standin.log.length;
    await call('users.info', { user: USERS.bob });
    await call('users.info', { user: 'U0NOBODY99' });
    const mine = standin.log.slice(before);
    expect(mine.map((e) => [e.method, e.params.user, e.token, e.response.ok])).toEqual([
      ['users.info', USERS.bob, 'bot', true],
      ['users.info', 'U0NOBODY99', 'bot', false],
    ]);
    expect(JSON.stringify(standin.log)).not.toContain(TOKENS.bot);
  });
});

describe('channels and history', () => {
  it('lists public channels, private ones the token is in, archived only when not excluded', async () => {
    const all = await call('conversations.list', { types: 'public_channel,private_channel', limit: '3' });
    const names: string[] = all.body.channels.map((c: Body) => c.name);
    let cursor = all.body.response_metadata.next_cursor;
    while (cursor) {
      const next = await call('conversations.list', {
        types: 'public_channel,private_channel',
        limit: '3',
        cursor,
      });
      names.push(...next.body.channels.map((c: Body) => c.name));
      cursor = next.body.response_metadata.next_cursor;
    }
    expect(names).toContain('private-team');
    expect(names).toContain('old-project');
    expect(names).not.toContain('secret-plans');
    const live = await call('conversations.list', { exclude_archived: 'true' });
    expect(live.body.channels.map((c: Body) => c.name)).not.toContain('old-project');
  });

  it('pages 1,000 seeded messages newest first, each exactly once', async () => {
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const r = await call('conversations.history', {
        channel: CHANNELS.history,
        limit: '100',
        ...(cursor ? { cursor } : {}),
      });
      expect(r.body.ok).toBe(true);
      seen.push(...r.body.messages.map((m: Body) => m.ts));
      cursor = r.body.response_metadata?.next_cursor ?? '';
      expect(r.body.has_more).toBe(cursor !== '');
      pages++;
    } while (cursor);
    expect(pages).toBe(10);
    expect(new Set(seen).size).toBe(1000);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('honours oldest, latest and inclusive', async () => {
    const page = await call('conversations.history', { channel: CHANNELS.history, limit: '5' });
    const [a, b, c] = page.body.messages.map((m: Body) => m.ts);
    const exclusive = await call('conversations.history', {
      channel: CHANNELS.history,
      oldest: c,
      latest: a,
    });
    expect(exclusive.body.messages.map((m: Body) => m.ts)).toEqual([b]);
    const inclusive = await call('conversations.history', {
      channel: CHANNELS.history,
      oldest: c,
      latest: a,
      inclusive: 'true',
    });
    expect(inclusive.body.messages.map((m: Body) => m.ts)).toEqual([a, b, c]);
    const bad = await call('conversations.history', { channel: CHANNELS.history, oldest: 'yesterday' });
    expect(bad.body.error).toBe('invalid_ts_oldest');
  });

  it('binds cursors to method and channel', async () => {
    const first = await call('conversations.history', { channel: CHANNELS.history, limit: '10' });
    const cursor = first.body.response_metadata.next_cursor;
    const elsewhere = await call('conversations.history', { channel: CHANNELS.general, cursor });
    expect(elsewhere.body.error).toBe('invalid_cursor');
    const otherMethod = await call('conversations.list', { cursor });
    expect(otherMethod.body.error).toBe('invalid_cursor');
    const edited = Buffer.from(Buffer.from(cursor, 'base64').toString().replace(/\|17/, '|18')).toString(
      'base64',
    );
    const tampered = await call('conversations.history', { channel: CHANNELS.history, cursor: edited });
    expect(tampered.body.error).toBe('invalid_cursor');
    const same = await call('conversations.history', { channel: CHANNELS.history, cursor, limit: '10' });
    expect(same.body.ok).toBe(true);
  });

  it('answers not_in_channel, channel_not_found for private channels of others, and reads archived ones', async () => {
    expect((await call('conversations.history', { channel: CHANNELS.notJoined })).body.error).toBe(
      'not_in_channel',
    );
    expect((await call('conversations.info', { channel: CHANNELS.secret })).body.error).toBe(
      'channel_not_found',
    );
    const archived = await call('conversations.history', { channel: CHANNELS.archived });
    expect(archived.body.messages).toHaveLength(1);
  });

  it('holds 50 long messages in the long channel', async () => {
    const r = await call('conversations.history', { channel: CHANNELS.long, limit: '100' });
    expect(r.body.messages).toHaveLength(50);
    expect(Math.min(...r.body.messages.map((m: Body) => m.text.length))).toBeGreaterThan(5000);
  });
});

describe('threads, posting and reactions', () => {
  it('returns the parent first, then replies oldest first, across pages', async () => {
    const history = await call('conversations.history', { channel: CHANNELS.threads });
    const parent = history.body.messages.find((m: Body) => m.reply_count === 40);
    const seen: Body[] = [];
    let cursor = '';
    do {
      const r = await call('conversations.replies', {
        channel: CHANNELS.threads,
        ts: parent.ts,
        limit: '15',
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...r.body.messages);
      cursor = r.body.response_metadata?.next_cursor ?? '';
    } while (cursor);
    expect(seen).toHaveLength(41);
    expect(seen[0]!.ts).toBe(parent.ts);
    const replies = seen.slice(1).map((m) => m.ts);
    expect([...replies].sort()).toEqual(replies);
    expect(seen.slice(1).every((m) => m.thread_ts === parent.ts && m.parent_user_id === parent.user)).toBe(
      true,
    );
    const missing = await call('conversations.replies', {
      channel: CHANNELS.threads,
      ts: '1111111111.000001',
    });
    expect(missing.body.error).toBe('thread_not_found');
  });

  it('keeps thread bookkeeping when posting, and shows broadcast replies in history', async () => {
    const top = await call('chat.postMessage', { channel: CHANNELS.general, text: 'top' });
    expect(top.body.ok).toBe(true);
    const reply = await call('chat.postMessage', {
      channel: CHANNELS.general,
      text: 'r1',
      thread_ts: top.body.ts,
    });
    expect(reply.body.message.thread_ts).toBe(top.body.ts);
    await call(
      'chat.postMessage',
      { channel: CHANNELS.general, text: 'r2', thread_ts: top.body.ts },
      TOKENS.user,
    );
    await call('chat.postMessage', {
      channel: CHANNELS.general,
      text: 'r3 broadcast',
      thread_ts: top.body.ts,
      reply_broadcast: 'true',
    });
    const thread = await call('conversations.replies', { channel: CHANNELS.general, ts: top.body.ts });
    const parent = thread.body.messages[0];
    expect(parent.reply_count).toBe(3);
    expect(parent.reply_users_count).toBe(2);
    expect(parent.latest_reply).toBe(thread.body.messages[3].ts);
    const history = await call('conversations.history', { channel: CHANNELS.general, limit: '3' });
    expect(history.body.messages.map((m: Body) => m.text)).toEqual([
      'r3 broadcast',
      'top',
      expect.any(String),
    ]);
  });

  it('refuses posts to archived channels and channels the bot is not in, and empty posts', async () => {
    expect((await call('chat.postMessage', { channel: CHANNELS.archived, text: 'x' })).body.error).toBe(
      'is_archived',
    );
    expect((await call('chat.postMessage', { channel: CHANNELS.notJoined, text: 'x' })).body.error).toBe(
      'not_in_channel',
    );
    expect((await call('chat.postMessage', { channel: CHANNELS.general, text: ' ' })).body.error).toBe(
      'no_text',
    );
  });

  it('adds a reaction once and answers already_reacted the second time', async () => {
    const history = await call('conversations.history', { channel: CHANNELS.threads, limit: '1' });
    const ts = history.body.messages[0].ts;
    const params = { channel: CHANNELS.threads, timestamp: ts, name: 'eyes' };
    expect((await call('reactions.add', params)).body).toEqual({ ok: true });
    expect((await call('reactions.add', params)).body.error).toBe('already_reacted');
    expect((await call('reactions.add', { ...params, name: 'not-an-emoji' })).body.error).toBe(
      'invalid_name',
    );
    expect((await call('reactions.add', { ...params, timestamp: '1111111111.000001' })).body.error).toBe(
      'message_not_found',
    );
  });
});

describe('search', () => {
  it('refuses bot tokens and pages by page number for user tokens', async () => {
    expect((await call('search.messages', { query: 'deploy' })).body.error).toBe('not_allowed_token_type');
    const first = await call(
      'search.messages',
      { query: 'deploy', count: '20', sort: 'timestamp' },
      TOKENS.user,
    );
    const { paging } = first.body.messages;
    expect(paging.page).toBe(1);
    expect(paging.pages).toBeGreaterThan(1);
    const all: string[] = [];
    for (let page = 1; page <= paging.pages; page++) {
      const r = await call(
        'search.messages',
        { query: 'deploy', count: '20', sort: 'timestamp', page: String(page) },
        TOKENS.user,
      );
      all.push(...r.body.messages.matches.map((m: Body) => `${m.channel.id}/${m.ts}`));
    }
    expect(all).toHaveLength(paging.total);
    expect(new Set(all).size).toBe(paging.total);
    // Private channels of others never appear; in: and from: filter.
    expect(all.some((k) => k.startsWith(CHANNELS.secret))).toBe(false);
    const scoped = await call('search.messages', { query: 'deploy in:#general from:@carol' }, TOKENS.user);
    expect(scoped.body.messages.matches.map((m: Body) => m.user)).toEqual([USERS.carol]);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per method tier and lets the call through once the window passes', async () => {
    standin.setRateLimits({ windowMs: 1000, perMethod: { 'users.info': 2 } });
    expect((await call('users.info', { user: USERS.bob })).status).toBe(200);
    expect((await call('users.info', { user: USERS.bob })).status).toBe(200);
    const limited = await call('users.info', { user: USERS.bob });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(Number(limited.headers.get('retry-after'))).toBe(1);
    // Another method has its own budget.
    expect((await call('users.list')).status).toBe(200);
    await expect
      .poll(async () => (await call('users.info', { user: USERS.bob })).status, { timeout: 5000 })
      .toBe(200);
  });

  it('outside the Marketplace: 15 messages at most and 1 history call a window', async () => {
    standin.setMarketplace(false);
    standin.setRateLimits({ windowMs: 1000 });
    const first = await call('conversations.history', { channel: CHANNELS.history, limit: '100' });
    expect(first.body.messages).toHaveLength(15);
    expect(first.body.has_more).toBe(true);
    const second = await call('conversations.history', { channel: CHANNELS.history, limit: '100' });
    expect(second.status).toBe(429);
    // replies are limited separately but just as tightly
    expect((await call('users.info', { user: USERS.bob })).status).toBe(200);
  });
});
