import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type TestClient } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/api/client.js';
import { createGithubServer } from '../src/server.js';
import { SEED, TOKENS } from './standin/seed.js';
import { startStandin } from './standin/server.js';
import { call, textOf, until } from './support/harness.js';

// The client's own request rules (src/api/request-rules.ts): rate limits, the one retry of a
// transient failure, pacing and the in-flight cap. A front server on 127.0.0.1 passes every request
// to the stand-in, except those a test scripts: it answers those itself, with GitHub's documented
// rate-limit answers (or a dropped connection), and records what arrived when.

const o = SEED.owner;
const r = SEED.publicRepo;
const DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

type Scripted = { status: number; body: Record<string, unknown>; headers: Record<string, string> } | 'drop';

interface Arrival {
  method: string;
  url: string;
  at: number;
  status?: number;
}

class Front {
  readonly arrivals: Arrival[] = [];
  readonly script: Scripted[] = [];
  /**
   * When set, every request is held on arrival; then `hold` says what to let go: the oldest held
   * request ('one'), all of them ('all'), or none yet.
   */
  hold?: (inFlight: number, arrived: number) => 'one' | 'all' | 'none';
  inFlight = 0;
  maxInFlight = 0;
  private held: (() => void)[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  since(from: number): Arrival[] {
    return this.arrivals.slice(from);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival: Arrival = { method: req.method!, url: req.url!, at: Date.now() };
    this.arrivals.push(arrival);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.hold) {
      const released = new Promise<void>((resolve) => this.held.push(resolve));
      this.checkHolds();
      await released;
    }
    const scripted = this.script.shift();
    if (scripted === 'drop') {
      this.inFlight--;
      req.socket.destroy();
      return;
    }
    if (scripted) {
      arrival.status = scripted.status;
      this.inFlight--;
      res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
      res.end(JSON.stringify(scripted.body));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const answer = await fetch(this.target + req.url, {
      method: req.method,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    arrival.status = answer.status;
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(key))
        out[key] = value;
    });
    this.inFlight--;
    res.writeHead(answer.status, out);
    res.end(body);
  }

  private checkHolds(): void {
    const verdict = this.hold?.(this.inFlight, this.arrivals.length) ?? 'all';
    if (verdict === 'all') for (const release of this.held.splice(0)) release();
    else if (verdict === 'one') this.held.shift()?.();
  }
}

const secondsFromNow = (s: number) => Math.floor(Date.now() / 1000) + s;
const primaryLimit = (reset: number): Scripted => ({
  status: 403,
  body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: DOCS, status: '403' },
  headers: {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-used': '5000',
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': 'core',
  },
});
const tooMany = (retryAfter: number): Scripted => ({
  status: 429,
  body: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url: `${DOCS}#about-secondary-rate-limits`,
    status: '429',
  },
  headers: { 'retry-after': String(retryAfter) },
});

/**
 * A GitHub server talking to the stand-in through a front (see Front), with a client of it;
 * `stop` ends all three. `options` are the server's, given the front's URL.
 */
async function frontedServer(options: (apiUrl: string) => Parameters<typeof createGithubServer>[0]) {
  const standin = await startStandin();
  const front = await new Front(standin.url).start();
  const client = await connect(createGithubServer(options(front.url)), { era: 'modern' });
  return {
    front,
    client,
    async stop() {
      await client.close();
      await front.stop();
      await standin.stop();
    },
  };
}

describe('request rules: rate limits and retries', () => {
  let served: Awaited<ReturnType<typeof frontedServer>>;
  let front: Front;
  let client: TestClient;
  beforeAll(async () => {
    // Reads only: no background scope check, so every request the front sees is a test's.
    served = await frontedServer((apiUrl) => ({ apiUrl, env: { GITHUB_TOKEN: TOKENS.classic } }));
    ({ front, client } = served);
  });
  afterAll(() => served.stop());

  it('waits out a primary limit that resets within the budget, once, and asks after the reset', async () => {
    const reset = secondsFromNow(1);
    front.script.push(primaryLimit(reset));
    const from = front.arrivals.length;
    const res = await call(client, 'get_repository', { owner: o, repo: r });
    expect(res.isError, textOf(res)).toBeFalsy();
    const seen = front.since(from);
    expect(seen.map((a) => a.status)).toEqual([403, 200]);
    expect(seen[1]!.at).toBeGreaterThanOrEqual(reset * 1000);

    front.script.push(primaryLimit(secondsFromNow(1)), primaryLimit(secondsFromNow(1)));
    const again = front.arrivals.length;
    const twice = await call(client, 'get_repository', { owner: o, repo: r });
    expect(twice.isError).toBe(true);
    expect(textOf(twice)).toMatch(/^GitHub API error 403: API rate limit exceeded .*\(primary rate limit\)/);
    expect(front.since(again).map((a) => a.status)).toEqual([403, 403]);
  });

  it('a 429 with retry-after: sat out once when short; an isError saying when to retry when long', async () => {
    front.script.push(tooMany(1));
    let from = front.arrivals.length;
    const res = await call(client, 'get_repository', { owner: o, repo: r });
    expect(res.isError, textOf(res)).toBeFalsy();
    const seen = front.since(from);
    expect(seen.map((a) => a.status)).toEqual([429, 200]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);

    front.script.push(tooMany(30));
    from = front.arrivals.length;
    const long = await call(client, 'get_repository', { owner: o, repo: r });
    expect(long.isError).toBe(true);
    expect(textOf(long)).toMatch(
      /^GitHub API error 429: You have exceeded a secondary rate limit \(secondary rate limit\); rate limited: retry after 30 s/,
    );
    expect(front.since(from).map((a) => a.status)).toEqual([429]);
  });

  it('retries a dropped connection once; never a 404', async () => {
    front.script.push('drop');
    let from = front.arrivals.length;
    const res = await call(client, 'get_issue', { owner: o, repo: r, issue_number: 3 });
    expect(res.isError, textOf(res)).toBeFalsy();
    expect(front.since(from).map((a) => a.status)).toEqual([undefined, 200]);

    from = front.arrivals.length;
    const missing = await call(client, 'get_repository', { owner: o, repo: 'missing' });
    expect(textOf(missing)).toMatch(/^GitHub API error 404: Not Found/);
    expect(front.since(from).map((a) => a.status)).toEqual([404]);
  });
});

describe('request rules: the time limit of a call', () => {
  it('a request GitHub never answers ends at the time limit, unretried, with an error saying so', async () => {
    const served = await frontedServer((apiUrl) => ({
      apiUrl,
      env: { GITHUB_TOKEN: TOKENS.classic },
      timeoutMs: 300,
    }));
    const { front, client } = served;
    try {
      front.hold = () => 'none';
      const res = await call(client, 'get_repository', { owner: o, repo: r });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toBe('GitHub API error: the request was cancelled or timed out; retry shortly');
      expect(front.arrivals).toHaveLength(1);
    } finally {
      await served.stop();
    }
  });
});

describe('request rules: pacing and the in-flight cap', () => {
  let served: Awaited<ReturnType<typeof frontedServer>>;
  let front: Front;
  let client: TestClient;
  beforeAll(async () => {
    // A token of its own: pacing is per token and shared across the clients of a process.
    served = await frontedServer((apiUrl) => ({
      apiUrl,
      env: { GITHUB_TOKEN: TOKENS.fineGrained },
      writes: true,
    }));
    ({ front, client } = served);
    // With writes on, the server checks the token in the background (GET /user): let it finish first.
    await until(() => front.arrivals.some((a) => a.url === '/user' && a.status === 200));
  });
  afterAll(() => served.stop());

  it('starts writes a second apart (notifying ones three) and searches two, without holding reads', async () => {
    const from = front.arrivals.length;
    const results = await Promise.all([
      call(client, 'update_issue', { owner: o, repo: r, issue_number: 3, title: 'Paced one' }),
      call(client, 'update_issue', { owner: o, repo: r, issue_number: 3, title: 'Paced two' }),
      call(client, 'get_repository', { owner: o, repo: r }),
    ]);
    for (const res of results) expect(res.isError, textOf(res)).toBeFalsy();
    const seen = front.since(from);
    const writes = seen.filter((a) => a.method === 'PATCH');
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(950);
    const read = seen.find((a) => a.method === 'GET' && a.url === `/repos/${o}/${r}`)!;
    expect(read.at).toBeLessThan(writes[1]!.at);

    const comments = front.arrivals.length;
    await Promise.all([
      call(client, 'add_issue_comment', { owner: o, repo: r, issue_number: 3, body: 'one' }),
      call(client, 'add_issue_comment', { owner: o, repo: r, issue_number: 3, body: 'two' }),
    ]);
    const posts = front.since(comments).filter((a) => a.method === 'POST');
    expect(posts.map((a) => a.status)).toEqual([201, 201]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(2950);

    const searches = front.arrivals.length;
    await Promise.all([
      call(client, 'search_issues', { query: 'repo:octo/hello bug' }),
      call(client, 'search_issues', { query: 'repo:octo/hello widget' }),
    ]);
    const found = front.since(searches).filter((a) => a.url.startsWith('/search/'));
    expect(found).toHaveLength(2);
    expect(found[1]!.at - found[0]!.at).toBeGreaterThanOrEqual(1950);
  });

  it('keeps at most 10 requests of a token in flight; the rest start as others finish', async () => {
    const octokit = createClient({ apiUrl: front.url, token: TOKENS.narrow, pacing: false });
    const total = 14;
    const from = front.arrivals.length;
    front.maxInFlight = front.inFlight;
    // Answer one request each time 10 are in flight, and all of them once every one has arrived:
    // an eleventh would have to arrive while ten are held.
    front.hold = (inFlight, arrived) => (arrived - from >= total ? 'all' : inFlight >= 10 ? 'one' : 'none');
    const answers = await Promise.all(
      Array.from({ length: total }, () => octokit.request(`GET /repos/${o}/${r}`)),
    );
    front.hold = undefined;
    expect(answers.map((a) => a.status)).toEqual(Array(total).fill(200));
    expect(front.since(from)).toHaveLength(total);
    expect(front.maxInFlight).toBe(10);
  });
});
