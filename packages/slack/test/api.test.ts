import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebClient,
  RateMode,
  SlackApi,
  SlackApiError,
  slackErrorData,
  TtlCache,
  toSlackTs,
} from '../src/index.js';
import { type SlackStandin, startSlackStandin, TOKENS } from './standin/server.js';
import { CHANNELS, USERS } from './standin/workspace.js';
import { slackContract, violations } from './support/conformance.js';

// The API layer on the vendor's WebClient against the stand-in: errors as plain data, caches, and the
// Marketplace mode.

let standin: SlackStandin;

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

function api(options: Partial<ConstructorParameters<typeof SlackApi>[0]> = {}) {
  return new SlackApi({
    botToken: TOKENS.bot,
    userToken: TOKENS.user,
    apiUrl: standin.apiUrl,
    retries: 0,
    ...options,
  });
}

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SlackApiError);
  return (e as SlackApiError).data;
}

describe('WebClient configuration', () => {
  it('never sends a request to an absolute URL given as a method name', async () => {
    const client = createWebClient(TOKENS.bot, { apiUrl: standin.apiUrl, retries: 0 });
    const before = standin.log.length;
    // With allowAbsoluteUrls:false the "method" is appended to the stand-in's base URL instead.
    await client.apiCall('http://127.0.0.1:1/api/auth.test').catch(() => {});
    expect(standin.log.slice(before).map((e) => e.method)).toEqual(['/api/http://127.0.0.1:1/api/auth.test']);
  });

  it('gives up on an unreachable host after its retries, as unreachable, without the token', async () => {
    const dead = new SlackApi({
      botToken: TOKENS.bot,
      apiUrl: 'http://127.0.0.1:9/api/',
      retries: 2,
      timeoutMs: 2000,
    });
    const data = await failure(dead.channelInfo(CHANNELS.general));
    expect(data.code).toBe('unreachable');
    expect(JSON.stringify(data)).not.toContain(TOKENS.bot);
  });
});

describe('errors as plain data', () => {
  it('maps ok:false to the Slack code, with needed/provided for missing_scope', async () => {
    expect((await failure(api().channelInfo('C0NOTHERE99'))).code).toBe('channel_not_found');
    const narrow = api({ botToken: TOKENS.narrowBot });
    const data = await failure(narrow.history({ channel: CHANNELS.general, limit: 10 }));
    expect(data).toMatchObject({
      code: 'missing_scope',
      needed: 'channels:history',
      provided: 'channels:read',
    });
    expect(JSON.stringify(data)).not.toMatch(/xox[bp]-/);
  });

  it('turns a 429 into ratelimited with retryAfter, at once, and the next call still works', async () => {
    standin.setRateLimits({ windowMs: 1000, perMethod: { 'users.info': 1 } });
    const a = api();
    await a.user(USERS.bob);
    const started = Date.now();
    const data = await failure(a.user(USERS.carol));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(data).toMatchObject({ code: 'ratelimited', retryAfter: 1 });
    expect((await a.channelInfo(CHANNELS.general)).name).toBe('general');
  });

  it('maps other failures without leaking', () => {
    expect(slackErrorData(new Error('boom at /home/x/secret xoxb-123')).code).toBe('unexpected');
    expect(JSON.stringify(slackErrorData(new Error('xoxb-123')))).not.toContain('xoxb');
  });
});

describe('reads', () => {
  it('pages history with Slack cursors and resolves channels by name through the cached directory', async () => {
    const a = api();
    const id = await a.resolveChannel('#history-1000');
    expect(id).toBe(CHANNELS.history);
    const listsBefore = standin.requests('conversations.list').length;
    expect(await a.resolveChannel('general')).toBe(CHANNELS.general);
    expect(standin.requests('conversations.list').length).toBe(listsBefore);
    let cursor: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await a.history({ channel: id, limit: 100, cursor });
      for (const m of page.messages) seen.add(m.ts);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(1000);
  });

  it('caches user names', async () => {
    const a = api();
    const before = standin.requests('users.info').length;
    const names = await a.userNames([USERS.alice, USERS.bob, USERS.alice, 'not-an-id']);
    expect(Object.fromEntries(names)).toEqual({ [USERS.alice]: 'Alice', [USERS.bob]: 'Bob' });
    await a.userNames([USERS.alice, USERS.bob]);
    expect(standin.requests('users.info').length - before).toBe(2);
  });

  it('searches with the user token only', async () => {
    const page = await api().search({ query: 'deploy', count: 5, page: 2 });
    expect(page.page).toBe(2);
    expect(page.matches).toHaveLength(5);
    expect(standin.log.at(-1)!.token).toBe('user');
    const botOnly = api({ userToken: undefined });
    expect((await failure(botOnly.search({ query: 'x', count: 5, page: 1 }))).code).toBe('not_authed');
  });
});

describe('Marketplace mode', () => {
  it('clamps to 15 and says why when set to non-Marketplace', async () => {
    standin.setMarketplace(false);
    standin.setRateLimits({ windowMs: 1000 });
    const page = await api({ marketplaceApp: false }).history({ channel: CHANNELS.history, limit: 100 });
    expect(page.messages).toHaveLength(15);
    expect(page.clamp).toMatchObject({ requested: 100, applied: 15 });
    expect(page.clamp!.reason).toMatch(/Marketplace/);
    expect(standin.requests('conversations.history').at(-1)!.params.limit).toBe('15');
  });

  it('detects the mode from a page cut to 15, then clamps further requests', async () => {
    standin.setMarketplace(false);
    standin.setRateLimits({ enabled: false });
    const a = api();
    const first = await a.history({ channel: CHANNELS.history, limit: 50 });
    expect(first.messages).toHaveLength(15);
    expect(first.clamp).toMatchObject({ requested: 50, applied: 15 });
    expect(a.mode.state).toEqual({ marketplace: false, source: 'detected' });
    await a.history({ channel: CHANNELS.history, limit: 50 });
    expect(standin.requests('conversations.history').at(-1)!.params.limit).toBe('15');
  });

  it('detects the mode from a 429 after a single call', async () => {
    standin.setMarketplace(false);
    standin.setRateLimits({ windowMs: 60_000 });
    standin.resetRateLimits();
    const a = api();
    await a.history({ channel: CHANNELS.threads, limit: 10 });
    const data = await failure(a.history({ channel: CHANNELS.threads, limit: 10 }));
    expect(data.code).toBe('ratelimited');
    expect(data.message).toMatch(/outside its Marketplace.*detected/);
    expect(a.mode.state.source).toBe('detected');
  });

  it('stays in the Marketplace mode when told so', () => {
    const mode = new RateMode(true);
    expect(mode.noteRateLimited('conversations.history')).toBe(false);
    expect(mode.clampMessages(100)).toEqual({ limit: 100 });
  });
});

describe('helpers', () => {
  it('reads timestamps as ts, seconds or ISO time', () => {
    expect(toSlackTs('1700000000.0001')).toBe('1700000000.000100');
    expect(toSlackTs('2023-11-14T22:13:20Z')).toBe('1700000000.000000');
    expect(toSlackTs('2023-11-14')).toBe('1699920000.000000');
    expect(toSlackTs('last tuesday')).toBeUndefined();
  });

  it('expires cache entries after the TTL and loads once for concurrent callers', async () => {
    let now = 0;
    const cache = new TtlCache<number>(1000, 10, () => now);
    let loads = 0;
    const load = async () => ++loads;
    await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect(loads).toBe(1);
    now = 1001;
    expect(await cache.getOrLoad('k', load)).toBe(2);
  });
});
