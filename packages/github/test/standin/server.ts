import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedWorld } from './seed.js';
import type { Base } from './shapes.js';
import * as S from './shapes.js';
import {
  type Commit,
  commitsBetween,
  gitSha,
  netChanges,
  nextId,
  type Repo,
  unifiedDiff,
  type World,
} from './world.js';

/**
 * A stateful GitHub REST stand-in on 127.0.0.1: the endpoints the server calls, with GitHub's
 * behaviours (page/per_page and Link headers built from the request host, 404/422/403 bodies,
 * x-ratelimit-* headers, switchable primary and secondary rate limits, search caps, the contents
 * API's 1 MB rule, raw/diff/object media types, X-OAuth-Scopes for classic tokens, GHES under
 * /api/v3) and a record of every exchange for the contract checks.
 */

export interface Recorded {
  method: string;
  /** Path and query as received, without the GHES prefix. */
  url: string;
  /** The full path as received (prefix included). */
  rawPath: string;
  headers: IncomingMessage['headers'];
  requestBody?: unknown;
  status: number;
  responseType?: string;
  /** Parsed JSON bodies; for raw/diff bodies, undefined (see responseBytes). */
  responseBody?: unknown;
  responseBytes: number;
}

export interface StandinOptions {
  /** Serve under /api/v3 as GitHub Enterprise Server does. */
  ghes?: boolean;
  world?: World;
}

const DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const notFound = () => new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
const validationFailed = (errors: unknown[], message = 'Validation Failed') =>
  new HttpError(422, { message, errors, documentation_url: DOCS, status: '422' });
const missing = (resource: string, field: string) =>
  validationFailed([{ resource, code: 'missing_field', field }]);

interface Ctx {
  req: IncomingMessage;
  url: URL;
  params: string[];
  login?: string;
  scopes?: string[];
  base: Base;
  body: any;
  accept: string;
}

type Reply = {
  status?: number;
  json?: unknown;
  text?: string | Buffer;
  type?: string;
  headers?: Record<string, string>;
};
type Handler = (ctx: Ctx) => Reply;

export class GitHubStandin {
  readonly world: World;
  readonly ghes: boolean;
  readonly prefix: string;
  readonly exchanges: Recorded[] = [];
  private server?: Server;
  private routes: { method: string; regex: RegExp; multi: number[]; handler: Handler }[] = [];
  private remaining = new Map<string, number>();
  /** Number of upcoming requests to answer with a secondary rate limit (403 + retry-after). */
  secondaryLimit = 0;
  /** Number of upcoming requests to answer with an exhausted primary limit (remaining 0 + reset). */
  primaryLimit = 0;
  /** Number of upcoming requests to answer with 502 (GitHub's occasional server error). */
  serverErrors = 0;
  /** Most entries a recursive tree returns before GitHub sets `truncated` (100,000 on GitHub). */
  treeLimit = 100_000;
  /** Answer searches with incomplete_results: true (as GitHub does when a search times out). */
  incompleteSearch = false;
  /** Seconds GitHub asks the client to wait on a secondary limit. */
  retryAfterSeconds = 60;
  /** When set, responses pass through this hook before they are sent (tests break the contract with it). */
  tamper?: (method: string, path: string, body: unknown) => unknown;
  port = 0;

  constructor(options: StandinOptions = {}) {
    this.world = options.world ?? seedWorld();
    this.ghes = !!options.ghes;
    this.prefix = this.ghes ? '/api/v3' : '';
    this.defineRoutes();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Exchanges recorded since `from` (an index into `exchanges`). */
  since(from: number): Recorded[] {
    return this.exchanges.slice(from);
  }

  private route(method: string, pattern: string, handler: Handler): void {
    // `:name` is one segment; `*name` is the rest (may hold slashes), optional when at the end.
    const multi: number[] = [];
    let index = 0;
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          index++;
          return '([^/]+)';
        }
        if (seg.startsWith('*')) {
          multi.push(index++);
          return '(.+)';
        }
        return seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}/?$`), multi, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const record: Recorded = {
      method: req.method ?? 'GET',
      url: `${url.pathname.slice(this.prefix.length)}${url.search}`,
      rawPath: url.pathname,
      headers: req.headers,
      status: 0,
      responseBytes: 0,
    };
    let reply: Reply;
    const headers: Record<string, string> = {};
    try {
      if (raw) {
        try {
          record.requestBody = JSON.parse(raw);
        } catch {
          throw new HttpError(400, {
            message: 'Problems parsing JSON',
            documentation_url: DOCS,
            status: '400',
          });
        }
      }
      reply = this.dispatch(req, url, record.requestBody, headers);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      reply = { status: e.status, json: e.body, headers: e.headers };
    }
    const status = reply.status ?? 200;
    let payload: string | Buffer;
    let type: string;
    if (reply.json !== undefined) {
      const body = this.tamper ? this.tamper(record.method, record.url, reply.json) : reply.json;
      record.responseBody = body;
      payload = JSON.stringify(body);
      type = 'application/json; charset=utf-8';
    } else {
      payload = reply.text ?? '';
      type = reply.type ?? 'text/plain; charset=utf-8';
    }
    record.status = status;
    record.responseType = type;
    record.responseBytes = Buffer.byteLength(payload);
    this.exchanges.push(record);
    res.writeHead(status, {
      ...headers,
      ...reply.headers,
      'content-type': type,
      'content-length': String(record.responseBytes),
    });
    res.end(payload);
  }

  private dispatch(req: IncomingMessage, url: URL, body: unknown, headers: Record<string, string>): Reply {
    if (!url.pathname.startsWith(`${this.prefix}/`)) throw notFound();
    const path = url.pathname.slice(this.prefix.length);
    const ctx: Ctx = {
      req,
      url,
      params: [],
      body,
      accept: String(req.headers.accept ?? ''),
      base: {
        api: `http://${req.headers.host}${this.prefix}`,
        web: this.ghes ? `http://${req.headers.host}` : 'https://github.com',
      },
    };
    const auth = String(req.headers.authorization ?? '');
    const tokenValue = auth.replace(/^(token|bearer)\s+/i, '');
    const resource = path.startsWith('/search/') ? 'search' : 'core';
    const limitKey = `${tokenValue || req.socket.remoteAddress}:${resource}`;
    const limit = resource === 'search' ? 30 : RATE_LIMIT;
    const reset = Math.floor(Date.now() / 1000) + 3600;
    if (auth) {
      const token = this.world.tokens.get(tokenValue);
      if (!token)
        throw new HttpError(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      ctx.login = token.login;
      ctx.scopes = token.scopes;
      if (token.scopes) {
        headers['x-oauth-scopes'] = token.scopes.join(', ');
        headers['x-accepted-oauth-scopes'] = 'repo';
      }
    }
    if (this.serverErrors > 0) {
      this.serverErrors--;
      throw new HttpError(502, { message: 'Server Error', documentation_url: DOCS, status: '502' });
    }
    if (this.primaryLimit > 0) {
      this.primaryLimit--;
      throw new HttpError(
        403,
        {
          message: `API rate limit exceeded for user ID ${ctx.login ? this.world.user(ctx.login).id : 0}.`,
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
          status: '403',
        },
        {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': String(limit),
          'x-ratelimit-reset': String(reset),
          'x-ratelimit-resource': resource,
        },
      );
    }
    if (this.secondaryLimit > 0) {
      this.secondaryLimit--;
      throw new HttpError(
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          status: '403',
        },
        { 'retry-after': String(this.retryAfterSeconds) },
      );
    }
    const remaining = (this.remaining.get(limitKey) ?? limit) - 1;
    this.remaining.set(limitKey, Math.max(remaining, 0));
    Object.assign(headers, {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(remaining, 0)),
      'x-ratelimit-used': String(limit - Math.max(remaining, 0)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': resource,
      'x-github-request-id': `STANDIN:${this.exchanges.length + 1}`,
    });
    for (const r of this.routes) {
      if (r.method !== req.method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      ctx.params = m.slice(1).map((s) => (s === undefined ? '' : decodeURIComponent(s)));
      return r.handler(ctx);
    }
    throw notFound();
  }

  // ---------------------------------------------------------------- helpers

  private repoFor(ctx: Ctx, write = false): Repo {
    const [owner, name] = ctx.params;
    const repo = this.world.repo(owner!, name!);
    if (!repo || !this.world.canRead(repo, ctx.login)) throw notFound();
    if (repo.private && ctx.scopes && !ctx.scopes.includes('repo')) throw notFound();
    if (write) {
      if (!ctx.login || !this.world.canPush(repo, ctx.login)) throw notFound();
      if (
        ctx.scopes &&
        !ctx.scopes.includes('repo') &&
        !(ctx.scopes.includes('public_repo') && !repo.private)
      ) {
        throw new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      }
    }
    return repo;
  }

  private commitFor(repo: Repo, ref: string | null | undefined): Commit {
    if (repo.commits.size === 0) {
      throw new HttpError(409, {
        message: 'Git Repository is empty.',
        documentation_url: DOCS,
        status: '409',
      });
    }
    const c = this.world.resolve(repo, ref);
    if (!c) {
      throw new HttpError(404, {
        message: `No commit found for the ref ${ref}`,
        documentation_url: DOCS,
        status: '404',
      });
    }
    return c;
  }

  /** GitHub's page/per_page with a Link header built from the request's own host. */
  private page<T>(ctx: Ctx, items: T[], cap?: number): { items: T[]; headers: Record<string, string> } {
    const perPage = Math.min(Math.max(Number(ctx.url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(ctx.url.searchParams.get('page') ?? 1) || 1, 1);
    const visible = cap === undefined ? items.length : Math.min(items.length, cap);
    if (cap !== undefined && (page - 1) * perPage >= cap) {
      throw new HttpError(422, {
        message: `Only the first ${cap} search results are available`,
        documentation_url: `${DOCS}/search/search`,
        status: '422',
      });
    }
    const last = Math.max(Math.ceil(visible / perPage), 1);
    const link = (p: number) => {
      const u = new URL(ctx.url.pathname + ctx.url.search, ctx.base.api.replace(this.prefix, ''));
      u.searchParams.set('page', String(p));
      return `<${u.toString()}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    const headers: Record<string, string> = rels.length ? { link: rels.join(', ') } : {};
    return { items: items.slice((page - 1) * perPage, Math.min(page * perPage, visible)), headers };
  }

  private q(ctx: Ctx, name: string): string | null {
    return ctx.url.searchParams.get(name);
  }

  // ---------------------------------------------------------------- routes

  private defineRoutes(): void {
    const w = this.world;

    this.route('GET', '/user', (ctx) => {
      if (!ctx.login)
        throw new HttpError(401, {
          message: 'Requires authentication',
          documentation_url: DOCS,
          status: '401',
        });
      return { json: S.fullUser(ctx.base, w.user(ctx.login), true) };
    });

    this.route('GET', '/rate_limit', () => {
      const now = Math.floor(Date.now() / 1000) + 3600;
      const core = { limit: RATE_LIMIT, remaining: RATE_LIMIT, reset: now, used: 0 };
      return { json: { resources: { core, search: { ...core, limit: 30, remaining: 30 } }, rate: core } };
    });

    this.route('GET', '/repos/:owner/:repo', (ctx) => ({
      json: S.fullRepo(ctx.base, w, this.repoFor(ctx), ctx.login),
    }));

    this.route('GET', '/repos/:owner/:repo/contents/*path', (ctx) => this.getContents(ctx));
    this.route('GET', '/repos/:owner/:repo/contents', (ctx) => this.getContents(ctx));
    this.route('PUT', '/repos/:owner/:repo/contents/*path', (ctx) => this.putContents(ctx));

    this.route('GET', '/repos/:owner/:repo/git/trees/*sha', (ctx) => {
      const repo = this.repoFor(ctx);
      const c = this.commitFor(repo, ctx.params[2] === undefined ? null : treeRef(repo, ctx.params[2]));
      const recursive = !!this.q(ctx, 'recursive');
      const entries: { path: string; mode: string; type: string; sha: string; size?: number; url: string }[] =
        [];
      const dirs = new Set<string>();
      for (const [path, b] of c.tree) {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        if (!recursive && parts.length > 1) continue;
        entries.push({
          path,
          mode: '100644',
          type: 'blob',
          sha: b.sha,
          size: b.content.length,
          url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/blobs/${b.sha}`,
        });
      }
      for (const d of dirs) {
        if (!recursive && d.includes('/')) continue;
        const sha = gitSha('tree', `${c.sha}:${d}`);
        entries.push({
          path: d,
          mode: '040000',
          type: 'tree',
          sha,
          url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`,
        });
      }
      entries.sort((a, b) => (a.path < b.path ? -1 : 1));
      const truncated = entries.length > this.treeLimit;
      if (truncated) entries.length = this.treeLimit;
      const sha = S.treeSha(c);
      return {
        json: {
          sha,
          url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`,
          tree: entries,
          truncated,
        },
      };
    });

    this.route('POST', '/repos/:owner/:repo/git/refs', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const { ref, sha } = ctx.body ?? {};
      if (typeof ref !== 'string') throw missing('Reference', 'ref');
      if (typeof sha !== 'string') throw missing('Reference', 'sha');
      if (!/^refs\/heads\/[^\s~^:?*[\\]+$/.test(ref) || ref.includes('..')) {
        throw validationFailed([], 'Reference name is invalid');
      }
      const branch = ref.slice('refs/heads/'.length);
      if (repo.branches.has(branch)) throw validationFailed([], 'Reference already exists');
      if (!repo.commits.has(sha)) throw validationFailed([], 'Object does not exist');
      repo.branches.set(branch, sha);
      return {
        status: 201,
        json: {
          ref,
          node_id: Buffer.from(`Ref:${ref}`).toString('base64'),
          url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/${ref}`,
          object: {
            type: 'commit',
            sha,
            url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/commits/${sha}`,
          },
        },
      };
    });

    this.route('GET', '/repos/:owner/:repo/branches', (ctx) => {
      const repo = this.repoFor(ctx);
      const all = [...repo.branches.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      const { items, headers } = this.page(ctx, all);
      return { json: items.map(([name, sha]) => S.shortBranch(ctx.base, repo, name, sha)), headers };
    });

    this.route('GET', '/repos/:owner/:repo/branches/*branch', (ctx) => {
      const repo = this.repoFor(ctx);
      const name = ctx.params[2]!;
      const sha = repo.branches.get(name);
      if (!sha)
        throw new HttpError(404, { message: 'Branch not found', documentation_url: DOCS, status: '404' });
      return { json: S.branchWithProtection(ctx.base, w, repo, name, repo.commits.get(sha)!) };
    });

    this.route('GET', '/repos/:owner/:repo/commits', (ctx) => {
      const repo = this.repoFor(ctx);
      const head = this.commitFor(repo, this.q(ctx, 'sha'));
      const path = this.q(ctx, 'path');
      const author = this.q(ctx, 'author');
      const since = this.q(ctx, 'since');
      const until = this.q(ctx, 'until');
      const history: Commit[] = [];
      for (
        let c: Commit | undefined = head;
        c;
        c = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined
      ) {
        if (path && !c.changes.some((f) => f.filename === path || f.filename.startsWith(`${path}/`)))
          continue;
        if (author && c.author.toLowerCase() !== author.toLowerCase()) continue;
        if (since && c.date < since) continue;
        if (until && c.date > until) continue;
        history.push(c);
      }
      const { items, headers } = this.page(ctx, history);
      return { json: items.map((c) => S.commit(ctx.base, w, repo, c, false)), headers };
    });

    this.route('GET', '/repos/:owner/:repo/commits/*ref/status', (ctx) => {
      const repo = this.repoFor(ctx);
      const c = this.commitFor(repo, ctx.params[2]);
      return { json: S.combinedStatus(ctx.base, w, repo, c.sha, repo.statuses.get(c.sha) ?? []) };
    });

    this.route('GET', '/repos/:owner/:repo/commits/*ref/check-runs', (ctx) => {
      const repo = this.repoFor(ctx);
      const c = this.commitFor(repo, ctx.params[2]);
      const runs = repo.checkRuns.get(c.sha) ?? [];
      const { items, headers } = this.page(ctx, runs);
      return {
        json: {
          total_count: runs.length,
          check_runs: items.map((r) => S.checkRun(ctx.base, repo, c.sha, r)),
        },
        headers,
      };
    });

    this.route('GET', '/repos/:owner/:repo/commits/*ref', (ctx) => {
      const repo = this.repoFor(ctx);
      const c = this.commitFor(repo, ctx.params[2]);
      if (/vnd\.github(\.v3)?\.diff/.test(ctx.accept)) {
        return { text: unifiedDiff(c.changes), type: 'application/vnd.github.diff; charset=utf-8' };
      }
      const all = S.commit(ctx.base, w, repo, c, true);
      // GitHub pages a commit's files (300 per page at most).
      const files = all.files as unknown[];
      const { items, headers } = this.page(ctx, files);
      return { json: { ...all, files: items }, headers };
    });

    this.route('GET', '/repos/:owner/:repo/collaborators/:username/permission', (ctx) => {
      const repo = this.repoFor(ctx);
      if (!ctx.login || !w.canPush(repo, ctx.login)) {
        throw new HttpError(403, {
          message: 'Must have push access to view repository collaborators.',
          documentation_url: DOCS,
          status: '403',
        });
      }
      const login = ctx.params[2]!;
      const u = w.users.get(login.toLowerCase());
      if (!u)
        throw new HttpError(404, {
          message: `${login} is not a user`,
          documentation_url: DOCS,
          status: '404',
        });
      const perm = w.permission(repo, login);
      const permission = perm === 'none' ? (repo.private ? 'none' : 'read') : perm;
      return {
        json: {
          permission,
          role_name: permission,
          user: {
            ...S.user(ctx.base, u),
            permissions: {
              admin: perm === 'admin',
              maintain: perm === 'admin',
              push: perm === 'admin' || perm === 'write',
              triage: perm !== 'none',
              pull: true,
            },
            role_name: permission,
          },
        },
      };
    });

    this.route('GET', '/repos/:owner/:repo/issues', (ctx) => {
      const repo = this.repoFor(ctx);
      const state = this.q(ctx, 'state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) {
        throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
      }
      const labels = this.q(ctx, 'labels')?.split(',').filter(Boolean) ?? [];
      const since = this.q(ctx, 'since');
      const sort = this.q(ctx, 'sort') ?? 'created';
      const direction = this.q(ctx, 'direction') ?? 'desc';
      const creator = this.q(ctx, 'creator');
      const assignee = this.q(ctx, 'assignee');
      let list = [...repo.issues.values()].filter(
        (i) =>
          (state === 'all' || i.state === state) &&
          labels.every((l) => i.labels.includes(l)) &&
          (!since || i.updatedAt >= since) &&
          (!creator || i.author.toLowerCase() === creator.toLowerCase()) &&
          (!assignee ||
            (assignee === 'none'
              ? i.assignees.length === 0
              : assignee === '*'
                ? i.assignees.length > 0
                : i.assignees.includes(assignee))),
      );
      const key = sort === 'updated' ? 'updatedAt' : 'createdAt';
      list.sort((a, b) => (a[key] === b[key] ? b.number - a.number : a[key] < b[key] ? 1 : -1));
      if (direction === 'asc') list = list.reverse();
      const { items, headers } = this.page(ctx, list);
      return { json: items.map((i) => S.issue(ctx.base, w, repo, i)), headers };
    });

    this.route('POST', '/repos/:owner/:repo/issues', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const b = ctx.body ?? {};
      if (typeof b.title !== 'string' && typeof b.title !== 'number') throw missing('Issue', 'title');
      const number = repo.nextNumber++;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const issue = {
        number,
        id: nextId(),
        title: String(b.title),
        body: typeof b.body === 'string' ? b.body : null,
        author: ctx.login!,
        state: 'open' as const,
        labels: Array.isArray(b.labels) ? b.labels.map(String) : [],
        assignees: Array.isArray(b.assignees) ? b.assignees.map(String) : [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      for (const a of issue.assignees) {
        if (!w.users.has(a.toLowerCase()))
          throw validationFailed([{ resource: 'Issue', code: 'invalid', field: 'assignees', value: a }]);
      }
      repo.issues.set(number, issue);
      return { status: 201, json: S.issue(ctx.base, w, repo, issue) };
    });

    this.route('GET', '/repos/:owner/:repo/issues/:number', (ctx) => {
      const repo = this.repoFor(ctx);
      const issue = repo.issues.get(Number(ctx.params[2]));
      if (!issue) throw notFound();
      return { json: S.issue(ctx.base, w, repo, issue) };
    });

    this.route('PATCH', '/repos/:owner/:repo/issues/:number', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const issue = repo.issues.get(Number(ctx.params[2]));
      if (!issue) throw notFound();
      const b = ctx.body ?? {};
      if (b.state !== undefined && !['open', 'closed'].includes(b.state)) {
        throw validationFailed([{ resource: 'Issue', code: 'invalid', field: 'state' }]);
      }
      if (typeof b.title === 'string') issue.title = b.title;
      if (b.body !== undefined) issue.body = b.body;
      if (Array.isArray(b.labels)) issue.labels = b.labels.map(String);
      if (Array.isArray(b.assignees)) issue.assignees = b.assignees.map(String);
      if (b.state && b.state !== issue.state) {
        issue.state = b.state;
        issue.closedAt = b.state === 'closed' ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
      }
      issue.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { json: S.issue(ctx.base, w, repo, issue) };
    });

    this.route('GET', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
      const repo = this.repoFor(ctx);
      const n = Number(ctx.params[2]);
      if (!repo.issues.has(n)) throw notFound();
      const since = this.q(ctx, 'since');
      const list = repo.comments.filter((c) => c.issue === n && (!since || c.createdAt >= since));
      const { items, headers } = this.page(ctx, list);
      return { json: items.map((c) => S.comment(ctx.base, w, repo, c)), headers };
    });

    this.route('POST', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const n = Number(ctx.params[2]);
      if (!repo.issues.has(n)) throw notFound();
      if (typeof ctx.body?.body !== 'string') throw missing('IssueComment', 'body');
      const c = {
        id: nextId(),
        issue: n,
        author: ctx.login!,
        body: ctx.body.body,
        createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      repo.comments.push(c);
      return { status: 201, json: S.comment(ctx.base, w, repo, c) };
    });

    this.route('GET', '/repos/:owner/:repo/pulls', (ctx) => {
      const repo = this.repoFor(ctx);
      const state = this.q(ctx, 'state') ?? 'open';
      const base = this.q(ctx, 'base');
      const head = this.q(ctx, 'head');
      const list = [...repo.pulls.values()]
        .filter((p) => {
          const i = repo.issues.get(p.number)!;
          return (
            (state === 'all' || i.state === state) &&
            (!base || p.base === base) &&
            (!head || `${repo.owner}:${p.head}` === head || p.head === head)
          );
        })
        .sort((a, b) => b.number - a.number);
      const { items, headers } = this.page(ctx, list);
      return {
        json: items.map((p) => S.pull(ctx.base, w, repo, p, repo.issues.get(p.number)!, false, ctx.login)),
        headers,
      };
    });

    this.route('POST', '/repos/:owner/:repo/pulls', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const b = ctx.body ?? {};
      if (typeof b.head !== 'string') throw missing('PullRequest', 'head');
      if (typeof b.base !== 'string') throw missing('PullRequest', 'base');
      const head = b.head.includes(':') ? b.head.split(':')[1] : b.head;
      const headSha = repo.branches.get(head);
      const baseSha = repo.branches.get(b.base);
      if (!headSha) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (!baseSha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (headSha === baseSha)
        throw validationFailed([
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${b.base} and ${head}` },
        ]);
      if (typeof b.title !== 'string') throw missing('PullRequest', 'title');
      const number = repo.nextNumber++;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const issue = {
        number,
        id: nextId(),
        title: b.title,
        body: b.body ?? null,
        author: ctx.login!,
        state: 'open' as const,
        labels: [],
        assignees: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        pull: true,
      };
      repo.issues.set(number, issue);
      const p = {
        number,
        id: nextId(),
        head,
        headSha,
        base: b.base,
        baseSha,
        merged: false,
        mergeSha: null,
        mergedAt: null,
        mergedBy: null,
        draft: !!b.draft,
      };
      repo.pulls.set(number, p);
      return { status: 201, json: this.pullJson(ctx, repo, p.number) };
    });

    this.route('GET', '/repos/:owner/:repo/pulls/:number', (ctx) => {
      const repo = this.repoFor(ctx);
      const p = repo.pulls.get(Number(ctx.params[2]));
      if (!p) throw notFound();
      if (/vnd\.github(\.v3)?\.diff/.test(ctx.accept)) {
        return {
          text: unifiedDiff(netChanges(repo, p.baseSha, p.headSha)),
          type: 'application/vnd.github.diff; charset=utf-8',
        };
      }
      return { json: this.pullJson(ctx, repo, p.number) };
    });

    this.route('PATCH', '/repos/:owner/:repo/pulls/:number', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const p = repo.pulls.get(Number(ctx.params[2]));
      if (!p) throw notFound();
      const issue = repo.issues.get(p.number)!;
      const b = ctx.body ?? {};
      if (b.state !== undefined && !['open', 'closed'].includes(b.state)) {
        throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'state' }]);
      }
      if (typeof b.title === 'string') issue.title = b.title;
      if (b.body !== undefined) issue.body = b.body;
      if (typeof b.base === 'string') {
        const sha = repo.branches.get(b.base);
        if (!sha) throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
        p.base = b.base;
        p.baseSha = sha;
      }
      if (b.state) {
        issue.state = b.state;
        issue.closedAt = b.state === 'closed' ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
      }
      return { json: this.pullJson(ctx, repo, p.number) };
    });

    this.route('GET', '/repos/:owner/:repo/pulls/:number/files', (ctx) => {
      const repo = this.repoFor(ctx);
      const p = repo.pulls.get(Number(ctx.params[2]));
      if (!p) throw notFound();
      const files = netChanges(repo, p.baseSha, p.headSha);
      const head = repo.commits.get(p.headSha)!;
      const { items, headers } = this.page(ctx, files);
      return {
        json: items.map((f) =>
          S.diffEntry(ctx.base, repo, p.headSha, head.tree.get(f.filename)?.sha ?? null, f),
        ),
        headers,
      };
    });

    this.route('GET', '/repos/:owner/:repo/pulls/:number/reviews', (ctx) => {
      const repo = this.repoFor(ctx);
      const n = Number(ctx.params[2]);
      if (!repo.pulls.has(n)) throw notFound();
      const { items, headers } = this.page(
        ctx,
        repo.reviews.filter((r) => r.pull === n),
      );
      return { json: items.map((r) => S.review(ctx.base, w, repo, r)), headers };
    });

    this.route('POST', '/repos/:owner/:repo/pulls/:number/reviews', (ctx) => {
      const repo = this.repoFor(ctx);
      if (!ctx.login) throw notFound();
      const n = Number(ctx.params[2]);
      const p = repo.pulls.get(n);
      if (!p) throw notFound();
      const b = ctx.body ?? {};
      const event = b.event as string | undefined;
      if (event && !['APPROVE', 'REQUEST_CHANGES', 'COMMENT'].includes(event)) {
        throw validationFailed([{ resource: 'PullRequestReview', code: 'invalid', field: 'event' }]);
      }
      if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !b.body) {
        throw new HttpError(422, {
          message: 'Unprocessable Entity',
          errors: [`Review body is required for ${event}.`],
          documentation_url: DOCS,
          status: '422',
        });
      }
      const state =
        event === 'APPROVE'
          ? 'APPROVED'
          : event === 'REQUEST_CHANGES'
            ? 'CHANGES_REQUESTED'
            : event === 'COMMENT'
              ? 'COMMENTED'
              : 'PENDING';
      const review = {
        id: nextId(),
        pull: n,
        author: ctx.login,
        state,
        body: b.body ?? '',
        commitId: b.commit_id ?? p.headSha,
        submittedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      } as const;
      repo.reviews.push({ ...review });
      return { json: S.review(ctx.base, w, repo, { ...review }) };
    });

    this.route('GET', '/repos/:owner/:repo/pulls/:number/comments', (ctx) => {
      const repo = this.repoFor(ctx);
      const n = Number(ctx.params[2]);
      if (!repo.pulls.has(n)) throw notFound();
      const { items, headers } = this.page(
        ctx,
        repo.reviewComments.filter((c) => c.pull === n),
      );
      return { json: items.map((c) => S.reviewComment(ctx.base, w, repo, c)), headers };
    });

    this.route('PUT', '/repos/:owner/:repo/pulls/:number/merge', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const p = repo.pulls.get(Number(ctx.params[2]));
      if (!p) throw notFound();
      const issue = repo.issues.get(p.number)!;
      const b = ctx.body ?? {};
      if (p.merged || issue.state === 'closed') {
        throw new HttpError(405, {
          message: 'Pull Request is not mergeable',
          documentation_url: DOCS,
          status: '405',
        });
      }
      if (b.sha && b.sha !== p.headSha) {
        throw new HttpError(409, {
          message: 'Head branch was modified. Review and try the merge again.',
          documentation_url: DOCS,
          status: '409',
        });
      }
      const head = repo.commits.get(p.headSha)!;
      const edits: Record<string, Buffer | null> = {};
      for (const f of netChanges(repo, p.baseSha, p.headSha))
        edits[f.filename] = head.tree.get(f.filename)?.content ?? null;
      const merge = w.commit(
        repo,
        p.base,
        b.commit_title ?? `Merge pull request #${p.number}`,
        ctx.login!,
        edits,
        10_000,
      );
      p.merged = true;
      p.mergeSha = merge.sha;
      p.mergedAt = merge.date;
      p.mergedBy = ctx.login!;
      issue.state = 'closed';
      issue.closedAt = merge.date;
      return { json: { sha: merge.sha, merged: true, message: 'Pull Request successfully merged' } };
    });

    this.route('GET', '/search/repositories', (ctx) => {
      const q = parseQuery(this.q(ctx, 'q'));
      const terms = q.text.map((t) => t.toLowerCase());
      let list = [...w.repos.values()].filter((r) => {
        if (!w.canRead(r, ctx.login)) return false;
        if (q.quals.user && r.owner.toLowerCase() !== q.quals.user.toLowerCase()) return false;
        if (q.quals.org && r.owner.toLowerCase() !== q.quals.org.toLowerCase()) return false;
        if (q.quals.language && (r.language ?? '').toLowerCase() !== q.quals.language.toLowerCase())
          return false;
        if (q.quals.is === 'private' && !r.private) return false;
        if (q.quals.is === 'public' && r.private) return false;
        const hay = `${r.owner}/${r.name} ${r.description ?? ''} ${r.topics.join(' ')}`.toLowerCase();
        return terms.every((t) => hay.includes(t));
      });
      const sort = this.q(ctx, 'sort');
      if (sort === 'stars') list = list.sort((a, b) => b.stars - a.stars || a.id - b.id);
      else if (sort === 'updated') list = list.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
      if (this.q(ctx, 'order') === 'asc' && sort) list.reverse();
      const { items, headers } = this.page(ctx, list, 1000);
      return {
        json: {
          total_count: list.length,
          incomplete_results: this.incompleteSearch,
          items: items.map((r) => ({ ...S.repo(ctx.base, w, r), score: 1 })),
        },
        headers,
      };
    });

    this.route('GET', '/search/code', (ctx) => {
      if (!ctx.login)
        throw new HttpError(401, {
          message: 'Requires authentication',
          documentation_url: DOCS,
          status: '401',
        });
      const q = parseQuery(this.q(ctx, 'q'));
      if (q.text.length === 0) {
        throw validationFailed([{ resource: 'Search', field: 'q', code: 'missing' }]);
      }
      const hits: { repo: Repo; path: string; sha: string; ref: string }[] = [];
      for (const r of w.repos.values()) {
        if (!w.canRead(r, ctx.login) || r.commits.size === 0) continue;
        if (q.quals.repo && `${r.owner}/${r.name}`.toLowerCase() !== q.quals.repo.toLowerCase()) continue;
        if (q.quals.user && r.owner.toLowerCase() !== q.quals.user.toLowerCase()) continue;
        if (q.quals.org && r.owner.toLowerCase() !== q.quals.org.toLowerCase()) continue;
        const c = w.resolve(r, r.defaultBranch)!;
        for (const [path, b] of c.tree) {
          if (b.content.length > 384 * 1024 || b.content.subarray(0, 8000).includes(0)) continue;
          if (q.quals.path && !path.startsWith(q.quals.path)) continue;
          if (q.quals.filename && path.split('/').pop() !== q.quals.filename) continue;
          const text = b.content.toString('utf8').toLowerCase();
          if (q.text.every((t) => text.includes(t.toLowerCase())))
            hits.push({ repo: r, path, sha: b.sha, ref: c.sha });
        }
      }
      const { items, headers } = this.page(ctx, hits, 1000);
      return {
        json: {
          total_count: hits.length,
          incomplete_results: this.incompleteSearch,
          items: items.map((h) => S.codeItem(ctx.base, w, h.repo, h.path, h.sha, h.ref)),
        },
        headers,
      };
    });

    this.route('GET', '/search/issues', (ctx) => {
      const q = parseQuery(this.q(ctx, 'q'));
      const hits: { repo: Repo; number: number; updated: string }[] = [];
      for (const r of w.repos.values()) {
        if (!w.canRead(r, ctx.login)) continue;
        if (q.quals.repo && `${r.owner}/${r.name}`.toLowerCase() !== q.quals.repo.toLowerCase()) continue;
        if (q.quals.user && r.owner.toLowerCase() !== q.quals.user.toLowerCase()) continue;
        if (q.quals.org && r.owner.toLowerCase() !== q.quals.org.toLowerCase()) continue;
        for (const i of r.issues.values()) {
          const kinds = q.all.is ?? [];
          if (kinds.includes('issue') && i.pull) continue;
          if ((kinds.includes('pr') || kinds.includes('pull-request')) && !i.pull) continue;
          if (kinds.includes('open') && i.state !== 'open') continue;
          if (kinds.includes('closed') && i.state !== 'closed') continue;
          if (q.quals.state && i.state !== q.quals.state) continue;
          if (q.quals.type === 'pr' && !i.pull) continue;
          if (q.quals.type === 'issue' && i.pull) continue;
          if (q.quals.author && i.author.toLowerCase() !== q.quals.author.toLowerCase()) continue;
          if (q.quals.label && !i.labels.includes(q.quals.label)) continue;
          const hay = `${i.title} ${i.body ?? ''}`.toLowerCase();
          if (!q.text.every((t) => hay.includes(t.toLowerCase()))) continue;
          hits.push({ repo: r, number: i.number, updated: i.updatedAt });
        }
      }
      hits.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : b.number - a.number));
      const { items, headers } = this.page(ctx, hits, 1000);
      return {
        json: {
          total_count: hits.length,
          incomplete_results: this.incompleteSearch,
          search_type: 'lexical',
          items: items.map((h) => ({
            ...S.issue(ctx.base, w, h.repo, h.repo.issues.get(h.number)!),
            score: 1,
          })),
        },
        headers,
      };
    });

    this.route('GET', '/search/users', (ctx) => {
      const q = parseQuery(this.q(ctx, 'q'));
      const list = [...w.users.values()].filter((u) => {
        if (q.quals.type && u.type.toLowerCase() !== q.quals.type.toLowerCase()) return false;
        const hay = `${u.login} ${u.name ?? ''}`.toLowerCase();
        return q.text.every((t) => hay.includes(t.toLowerCase()));
      });
      const { items, headers } = this.page(ctx, list, 1000);
      return {
        json: {
          total_count: list.length,
          incomplete_results: this.incompleteSearch,
          items: items.map((u) => ({ ...S.user(ctx.base, u), score: 1 })),
        },
        headers,
      };
    });

    // Only for the recorded-fixture comparison (labels are otherwise out of scope).
    this.route('POST', '/repos/:owner/:repo/labels', (ctx) => {
      const repo = this.repoFor(ctx, true);
      const b = ctx.body ?? {};
      if (typeof b.name !== 'string') throw missing('Label', 'name');
      if (b.color !== undefined && !/^[0-9a-fA-F]{6}$/.test(b.color)) {
        throw validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }]);
      }
      return { status: 201, json: S.label(ctx.base, repo, b.name) };
    });
  }

  private pullJson(ctx: Ctx, repo: Repo, number: number) {
    const p = repo.pulls.get(number)!;
    const files = netChanges(repo, p.baseSha, p.headSha);
    return S.pullFull(
      ctx.base,
      this.world,
      repo,
      p,
      repo.issues.get(number)!,
      {
        commits: commitsBetween(repo, p.baseSha, p.headSha).length,
        additions: files.reduce((n, f) => n + f.additions, 0),
        deletions: files.reduce((n, f) => n + f.deletions, 0),
        files: files.length,
      },
      ctx.login,
    );
  }

  private getContents(ctx: Ctx): Reply {
    const repo = this.repoFor(ctx);
    if (repo.commits.size === 0)
      throw new HttpError(404, {
        message: 'This repository is empty.',
        documentation_url: DOCS,
        status: '404',
      });
    const ref = this.q(ctx, 'ref');
    const c = this.commitFor(repo, ref);
    const refName = ref ?? repo.defaultBranch;
    const path = (ctx.params[2] ?? '').replace(/\/+$/, '');
    const file = path ? c.tree.get(path) : undefined;
    const object = /vnd\.github(\.v3)?\.object/.test(ctx.accept);
    if (file) {
      if (/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) {
        return { text: file.content, type: 'application/vnd.github.raw; charset=utf-8' };
      }
      const item = S.contentItem(ctx.base, repo, refName, path, 'file', file.sha, file.content.length);
      if (file.content.length > 1024 * 1024) {
        if (!object) {
          throw new HttpError(403, {
            message:
              'This API returns blobs up to 1 MB in size. The requested blob is too large to fetch via ' +
              'the API, but you can use the Git Data API to request blobs up to 100 MB in size.',
            errors: [{ resource: 'Blob', field: 'data', code: 'too_large' }],
            documentation_url: `${DOCS}/repos/contents#get-repository-content`,
            status: '403',
          });
        }
        return { json: { ...item, content: '', encoding: 'none' } };
      }
      const b64 = file.content.toString('base64').replace(/.{60}/g, '$&\n');
      return { json: { ...item, content: `${b64}\n`, encoding: 'base64' } };
    }
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, { type: 'file' | 'dir'; sha: string; size: number }>();
    for (const [p, b] of c.tree) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const [head, ...tail] = rest.split('/');
      if (tail.length === 0) children.set(head!, { type: 'file', sha: b.sha, size: b.content.length });
      else if (!children.has(head!))
        children.set(head!, { type: 'dir', sha: gitSha('tree', `${c.sha}:${prefix}${head}`), size: 0 });
    }
    if (children.size === 0) throw notFound();
    const entries = [...children.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, e]) => S.contentItem(ctx.base, repo, refName, `${prefix}${name}`, e.type, e.sha, e.size));
    if (object) {
      const self = S.contentItem(ctx.base, repo, refName, path, 'dir', gitSha('tree', `${c.sha}:${path}`), 0);
      return { json: { ...self, entries } };
    }
    return { json: entries };
  }

  private putContents(ctx: Ctx): Reply {
    const repo = this.repoFor(ctx, true);
    const path = ctx.params[2]!;
    const b = ctx.body ?? {};
    if (typeof b.message !== 'string') throw missing('Commit', 'message');
    if (typeof b.content !== 'string') throw missing('Commit', 'content');
    const branch = b.branch ?? repo.defaultBranch;
    if (!repo.branches.has(branch)) {
      throw new HttpError(404, {
        message: `Branch ${branch} not found`,
        documentation_url: DOCS,
        status: '404',
      });
    }
    const current = repo.commits.get(repo.branches.get(branch)!)!.tree.get(path);
    if (current && !b.sha) throw validationFailed([], 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (current && b.sha !== current.sha) {
      throw new HttpError(409, {
        message: `${path} does not match ${b.sha}`,
        documentation_url: DOCS,
        status: '409',
      });
    }
    const content = Buffer.from(b.content, 'base64');
    const c = this.world.commit(repo, branch, b.message, ctx.login!, { [path]: content }, 20_000);
    const blobSha = c.tree.get(path)!.sha;
    const item = S.contentItem(ctx.base, repo, branch, path, 'file', blobSha, content.length);
    return {
      status: current ? 200 : 201,
      json: {
        content: item,
        commit: {
          sha: c.sha,
          node_id: Buffer.from(`Commit:${c.sha}`).toString('base64'),
          url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/commits/${c.sha}`,
          html_url: `${ctx.base.web}/${repo.owner}/${repo.name}/commit/${c.sha}`,
          author: { name: ctx.login, email: `${ctx.login}@users.noreply.github.com`, date: c.date },
          committer: { name: ctx.login, email: `${ctx.login}@users.noreply.github.com`, date: c.date },
          message: c.message,
          tree: {
            url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/trees/${S.treeSha(c)}`,
            sha: S.treeSha(c),
          },
          parents: c.parents.map((p) => ({
            url: `${ctx.base.api}/repos/${repo.owner}/${repo.name}/git/commits/${p}`,
            html_url: `${ctx.base.web}/${repo.owner}/${repo.name}/commit/${p}`,
            sha: p,
          })),
          verification: {
            verified: false,
            reason: 'unsigned',
            signature: null,
            payload: null,
            verified_at: null,
          },
        },
      },
    };
  }
}

/** A tree sha as the client passes it: a branch, a commit sha, or the commit's tree sha. */
function treeRef(repo: Repo, ref: string): string {
  for (const c of repo.commits.values()) if (S.treeSha(c) === ref) return c.sha;
  return ref;
}

/** Search syntax: `key:value` qualifiers (quotes allowed) and free-text terms. */
export function parseQuery(q: string | null): {
  text: string[];
  quals: Record<string, string>;
  all: Record<string, string[]>;
} {
  if (q === null) throw missing('Search', 'q');
  const text: string[] = [];
  const quals: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const m of q.matchAll(/(\w[\w-]*):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)) {
    if (m[1]) {
      const value = m[2]!.replace(/^"|"$/g, '');
      quals[m[1].toLowerCase()] = value;
      const key = m[1].toLowerCase();
      all[key] = [...(all[key] ?? []), value.toLowerCase()];
    } else {
      text.push(m[3] ?? m[4]!);
    }
  }
  return { text, quals, all };
}

export async function startStandin(options: StandinOptions = {}): Promise<GitHubStandin> {
  return new GitHubStandin(options).start();
}
