// A stateful Slack Web API stand-in on 127.0.0.1: POST or GET /api/<method> with a form, JSON or query
// body, bearer tokens with per-token scopes, rate limits by method tier, and a log of every request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CallContext,
  METHODS,
  NON_MARKETPLACE_LIMITED,
  SlackFailure,
  type TokenInfo,
} from './methods.js';
import { SlidingWindowLimiter, TIER_LIMITS } from './rate-limit.js';
import { BOT_USER_ID, seedWorkspace, USERS, type Workspace } from './workspace.js';

export const BOT_SCOPES = [
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'chat:write',
  'reactions:write',
  'users:read',
];

/** Tokens every stand-in accepts; tests may add more. Values are fake and only mean something here. */
export const TOKENS = {
  bot: 'xoxb-standin-bot',
  user: 'xoxp-standin-user',
  /** A bot token that may list channels and nothing else. */
  narrowBot: 'xoxb-standin-narrow',
} as const;

export function defaultTokens(): Record<string, TokenInfo> {
  return {
    [TOKENS.bot]: { label: 'bot', kind: 'bot', userId: BOT_USER_ID, scopes: BOT_SCOPES },
    [TOKENS.user]: {
      label: 'user',
      kind: 'user',
      userId: USERS.alice,
      scopes: [
        ...BOT_SCOPES.filter((s) => s !== 'chat:write'),
        'chat:write',
        'search:read',
        'users:read.email',
      ],
    },
    [TOKENS.narrowBot]: { label: 'narrow', kind: 'bot', userId: BOT_USER_ID, scopes: ['channels:read'] },
  };
}

export interface RateLimitSettings {
  enabled: boolean;
  /** The window a tier's calls are counted in (Slack: a minute). */
  windowMs: number;
  /** Calls per window by method, overriding the tier. */
  perMethod: Record<string, number>;
}

export interface StandinOptions {
  /** Marketplace apps (default) or the 2025 rule for others: 1 history/replies call a minute, 15 messages. */
  marketplace?: boolean;
  rateLimits?: Partial<RateLimitSettings>;
  tokens?: Record<string, TokenInfo>;
  workspace?: Workspace;
}

export interface LoggedRequest {
  seq: number;
  httpMethod: string;
  /** The Web API method, e.g. "conversations.history". */
  method: string;
  contentType: string;
  /** Parameters as the stand-in read them, without any token. */
  params: Record<string, string>;
  /** Which token was used (its label), or why none was accepted. */
  token: string;
  status: number;
  retryAfter?: number;
  response: Record<string, unknown>;
}

export interface SlackStandin {
  /** Base URL for `slackApiUrl`, ending in "/api/". */
  apiUrl: string;
  port: number;
  workspace: Workspace;
  log: LoggedRequest[];
  /** Requests of one Web API method. */
  requests(method: string): LoggedRequest[];
  setMarketplace(on: boolean): void;
  setRateLimits(settings: Partial<RateLimitSettings>): void;
  resetRateLimits(): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Values as strings, as a form would carry them; objects (blocks) as JSON text. */
function asParams(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

export async function startSlackStandin(options: StandinOptions = {}): Promise<SlackStandin> {
  const ws = options.workspace ?? seedWorkspace();
  const tokens = { ...defaultTokens(), ...options.tokens };
  let marketplace = options.marketplace ?? process.env.SLACK_STANDIN_MARKETPLACE?.toLowerCase() !== 'false';
  let limits: RateLimitSettings = { enabled: true, windowMs: 60_000, perMethod: {}, ...options.rateLimits };
  let limiter = new SlidingWindowLimiter(limits.windowMs);
  const log: LoggedRequest[] = [];

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = /^\/api\/([A-Za-z]+(?:\.[A-Za-z0-9]+)+)$/.exec(url.pathname)?.[1] ?? url.pathname;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const entry: LoggedRequest = {
      seq: log.length + 1,
      httpMethod: req.method ?? '',
      method,
      contentType,
      params: {},
      token: 'none',
      status: 200,
      response: {},
    };
    log.push(entry);
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      entry.status = status;
      entry.response = body;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };

    const spec = METHODS[method];
    if (!spec) return send(404, { ok: false, error: 'unknown_method' });
    if (req.method !== 'GET' && req.method !== 'POST')
      return send(405, { ok: false, error: 'invalid_post_type' });

    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return send(413, { ok: false, error: 'request_too_large' });
    }
    let bodyParams: Record<string, string> = {};
    let bodyToken: string | undefined;
    if (req.method === 'POST' && raw) {
      if (contentType === 'application/json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return send(200, { ok: false, error: 'invalid_json' });
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return send(200, { ok: false, error: 'json_not_object' });
        }
        // Slack ignores a token inside a JSON body: JSON calls must carry Authorization.
        const { token: _ignored, ...rest } = parsed as Record<string, unknown>;
        bodyParams = asParams(Object.entries(rest));
      } else if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
        const form = new URLSearchParams(raw);
        bodyToken = form.get('token') ?? undefined;
        form.delete('token');
        bodyParams = asParams(form.entries());
      } else {
        return send(200, { ok: false, error: 'invalid_form_data' });
      }
    }
    const query = new URLSearchParams(url.search);
    const queryToken = query.get('token') ?? undefined;
    query.delete('token');
    const params = { ...asParams(query.entries()), ...bodyParams };
    entry.params = params;

    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    const presented = bearer ?? bodyToken ?? queryToken;
    if (!presented) return send(200, { ok: false, error: 'not_authed' });
    const token = tokens[presented];
    if (!token) {
      entry.token = 'invalid';
      return send(200, { ok: false, error: 'invalid_auth' });
    }
    entry.token = token.label;
    const scopeHeaders = {
      'x-oauth-scopes': token.scopes.join(','),
      'x-accepted-oauth-scopes': spec.scopes.join(','),
    };

    if (limits.enabled) {
      const strict = !marketplace && NON_MARKETPLACE_LIMITED.has(method);
      const allowed = limits.perMethod[method] ?? (strict ? 1 : TIER_LIMITS[spec.tier]);
      const limitKey = `${method}|${presented}|${spec.limitKey?.(params) ?? ''}`;
      const verdict = limiter.take(limitKey, allowed);
      if (!verdict.ok) {
        entry.retryAfter = verdict.retryAfter;
        return send(
          429,
          { ok: false, error: 'ratelimited' },
          {
            ...scopeHeaders,
            'retry-after': String(verdict.retryAfter),
          },
        );
      }
    }

    const ctx: CallContext = { ws, params, token, marketplace };
    try {
      send(200, { ok: true, ...spec.handler(ctx) }, scopeHeaders);
    } catch (e) {
      if (e instanceof SlackFailure) send(200, { ok: false, error: e.error, ...e.extra }, scopeHeaders);
      else send(500, { ok: false, error: 'fatal_error' });
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // Long keep-alive: a test that pauses (compiling the spec oracle on a busy machine) must not find its
  // pooled connection closed under it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    port,
    workspace: ws,
    log,
    requests: (m) => log.filter((e) => e.method === m),
    setMarketplace(on) {
      marketplace = on;
    },
    setRateLimits(settings) {
      limits = { ...limits, ...settings };
      limiter = new SlidingWindowLimiter(limits.windowMs);
    },
    resetRateLimits() {
      limiter.reset();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
