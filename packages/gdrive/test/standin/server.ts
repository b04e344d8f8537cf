/**
 * A stateful Drive v3 stand-in on 127.0.0.1: the methods the server uses, routed, parameter-checked
 * and response-validated from Drive's discovery document, plus Google's OAuth endpoints.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkResponse, type DiscoveryMethod, discoveryMethod, loadDiscovery } from './discovery.js';
import {
  GoogleError,
  insufficientScopes,
  invalidCredentials,
  invalidParam,
  loginRequired,
  requiredParam,
} from './errors.js';
import { type Handler, handlers } from './handlers.js';
import type { World } from './model.js';
import { seedWorld } from './seed.js';
import { type AccessToken, TokenAuthority } from './tokens.js';

export interface StandinOptions {
  /** The stand-in's clock (ms); tests move it to expire tokens. */
  now?: () => number;
  tokenLifetimeSeconds?: number;
  /** Answer refresh grants with a new refresh token and revoke the old one. */
  rotateRefreshTokens?: boolean;
  /** Leave text/markdown out of the Docs export matrix (as Drive did before July 2024). */
  markdownExport?: boolean;
  /** Return at most this many files a page, whatever pageSize asks (Drive may return fewer). */
  pageSizeCap?: number;
  /** Answer downloads whole, as a proxy that drops Range would. */
  ignoreRange?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  methodId?: string;
  query: Record<string, string>;
  range?: string;
  principal?: string;
  status: number;
  /** The string literals the query parser read from `q`. */
  literals?: string[];
}

export const CLIENT_ID = 'mcpkit-test.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-test-secret';

/** The methods the stand-in serves, by discovery id. */
export const SERVED_METHODS = Object.keys(handlers);

export interface Standin {
  /** `http://127.0.0.1:PORT/`: Drive's rootUrl and the OAuth endpoints' base. */
  url: string;
  tokenUrl: string;
  authUrl: string;
  world: World;
  auth: TokenAuthority;
  requests: LoggedRequest[];
  /** Contract violations the stand-in caught in its own answers; tests expect none. */
  violations: string[];
  options: Required<Omit<StandinOptions, 'now' | 'pageSizeCap' | 'ignoreRange'>> &
    Pick<StandinOptions, 'pageSizeCap' | 'ignoreRange'>;
  /** Rewrite a JSON answer before it is checked and sent (to prove the check bites). */
  corrupt?: (methodId: string, body: unknown) => unknown;
  /** Answer the next calls of a method with this error instead. */
  failNext(methodId: string, error: GoogleError, times?: number): void;
  /** Make every access token issued so far invalid (the next call gets 401). */
  invalidateAccessTokens(): void;
  close(): Promise<void>;
}

interface Route {
  id: string;
  method: DiscoveryMethod;
  httpMethod: string;
  pattern: RegExp;
  names: string[];
  upload: boolean;
}

function compileRoutes(): Route[] {
  const routes: Route[] = [];
  const base = `/${loadDiscovery().servicePath}`;
  for (const id of SERVED_METHODS) {
    const method = discoveryMethod(id);
    const add = (path: string, upload: boolean) => {
      const names: string[] = [];
      const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      routes.push({
        id,
        method,
        httpMethod: method.httpMethod,
        pattern: new RegExp(`^${source}$`),
        names,
        upload,
      });
    };
    add(`${base}${method.path}`, false);
    const simple = method.mediaUpload?.protocols.simple?.path;
    if (simple) add(simple, true);
  }
  return routes;
}

async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new GoogleError(413, { reason: 'uploadTooLarge', message: 'Upload too large.' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Checks each query parameter against the method's (and the global) discovery parameters. */
function checkParams(route: Route, query: URLSearchParams): void {
  const global = loadDiscovery().parameters;
  const own = route.method.parameters ?? {};
  for (const key of new Set(query.keys())) {
    const spec = own[key]?.location === 'query' ? own[key] : global[key];
    if (!spec)
      throw invalidParam(
        key,
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter.`,
      );
    const value = query.get(key)!;
    if (spec.type === 'boolean' && value !== 'true' && value !== 'false') throw invalidParam(key);
    if (spec.type === 'integer') {
      const n = Number(value);
      const min = spec.minimum === undefined ? -Infinity : Number(spec.minimum);
      const max = spec.maximum === undefined ? Infinity : Number(spec.maximum);
      if (!Number.isInteger(n) || n < min || n > max)
        throw invalidParam(
          key,
          `Invalid value '${value}'. Values must be within the range: [${spec.minimum}, ${spec.maximum}]`,
        );
    }
    if (spec.enum && !spec.enum.includes(value)) throw invalidParam(key);
  }
  for (const [key, spec] of Object.entries(own))
    if (spec.required && spec.location === 'query' && !query.has(key)) throw requiredParam(key);
}

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  const now = opts.now ?? (() => Date.now());
  const world = seedWorld();
  const routes = compileRoutes();
  const failures = new Map<string, { error: GoogleError; times: number }>();
  const options = {
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    markdownExport: opts.markdownExport ?? true,
    pageSizeCap: opts.pageSizeCap,
    ignoreRange: opts.ignoreRange,
  };
  const auth = new TokenAuthority(now, {
    lifetimeSeconds: () => options.tokenLifetimeSeconds,
    rotate: () => options.rotateRefreshTokens,
    knownUsers: new Set(world.users.keys()),
  });
  auth.clients.set(CLIENT_ID, CLIENT_SECRET);

  const standin = {
    world,
    auth,
    requests: [] as LoggedRequest[],
    violations: [] as string[],
    options,
    corrupt: undefined as Standin['corrupt'],
    failNext(methodId: string, error: GoogleError, times = 1) {
      failures.set(methodId, { error, times });
    },
    invalidateAccessTokens() {
      auth.accessTokens.clear();
    },
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, log: LoggedRequest) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString());
      const basicHeader = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const basic = basicHeader
        ? (([id, secret]) => ({ id: id!, secret: secret ?? '' }))(
            Buffer.from(basicHeader[1]!, 'base64').toString().split(':'),
          )
        : undefined;
      const reply = auth.token(form, basic);
      log.methodId = `token:${form.get('grant_type')}`;
      log.status = reply.status;
      sendJson(res, reply.status, reply.body);
      return;
    }
    if (url.pathname === '/o/oauth2/v2/auth' && req.method === 'GET') {
      const reply = auth.authorize(url.searchParams);
      log.status = reply.status;
      if (reply.location) res.writeHead(302, { location: reply.location }).end();
      else res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.text);
      return;
    }

    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of routes) {
      if (r.httpMethod !== req.method) continue;
      match = r.pattern.exec(url.pathname);
      if (match) {
        route = r;
        break;
      }
    }
    if (!route || !match) {
      log.status = 404;
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<html><body>404. That’s an error.</body></html>');
      return;
    }
    log.methodId = route.id;
    const path = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match![i + 1]!)]));
    try {
      checkParams(route, url.searchParams);
      const bearer =
        /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('access_token');
      if (!bearer) throw loginRequired();
      const token: AccessToken | undefined = auth.check(bearer);
      if (!token) throw invalidCredentials();
      log.principal = token.principal;
      const scopes = (route.method as { scopes?: string[] }).scopes ?? [];
      if (!token.scopes.some((s) => scopes.includes(s))) throw insufficientScopes();
      const failure = failures.get(route.id);
      if (failure) {
        if (--failure.times <= 0) failures.delete(route.id);
        throw failure.error;
      }
      const handler: Handler = handlers[route.id]!;
      const body = req.method === 'GET' ? undefined : await readBody(req);
      const result = await handler({
        world,
        options,
        principal: token.principal,
        token: { scopes: token.scopes, app: token.app },
        path,
        query: url.searchParams,
        body,
        contentType: req.headers['content-type'] ?? '',
        upload: route.upload,
        range: req.headers.range,
        log,
        standinUrl: standinUrl(),
      });
      if (result.kind === 'json') {
        const sent = standin.corrupt ? standin.corrupt(route.id, result.body) : result.body;
        // Partial responses are checked too: every field they carry must be declared, well typed.
        const problems = checkResponse(route.id, sent);
        if (problems.length > 0) {
          standin.violations.push(`${route.id}: ${problems.join('; ')}`);
          log.status = 500;
          sendJson(
            res,
            500,
            new GoogleError(500, { reason: 'backendError', message: 'Contract violation' }).body(),
          );
          return;
        }
        log.status = result.status ?? 200;
        sendJson(res, log.status, sent);
      } else {
        log.status = result.status;
        res.writeHead(result.status, result.headers);
        for await (const chunk of result.stream) {
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
      }
    } catch (e) {
      if (!(e instanceof GoogleError)) throw e;
      log.status = e.code;
      sendJson(res, e.code, e.body(), e.headers);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const log: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      range: req.headers.range,
      status: 0,
    };
    standin.requests.push(log);
    handle(req, res, log).catch((e: unknown) => {
      log.status = 500;
      standin.violations.push(`stand-in crashed on ${req.method} ${url.pathname}: ${String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: 'stand-in error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const standinUrl = () => `http://127.0.0.1:${port}/`;
  const url = standinUrl();
  return Object.assign(standin, {
    url,
    tokenUrl: `${url}token`,
    authUrl: `${url}o/oauth2/v2/auth`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
