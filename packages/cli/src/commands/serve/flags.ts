import path from 'node:path';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '@mcpkit/core';
import type { HttpServeOptions } from '@mcpkit/core/http';
import { type ParsedArgs, takeFlag, takeList, takeString } from '../../options.js';
import { UsageError } from '../../usage.js';

/** Options of `mcpkit serve` that take a value (`--timeout 5000` as well as `--timeout=5000`). */
export const SERVE_VALUED = new Set([
  'config',
  'allow',
  'deny',
  'timeout',
  'max-output',
  'log-level',
  'max-message',
  'public-url',
  'allowed-hosts',
  'allowed-origins',
  'token-env',
  'token-principal',
  'token-scopes',
  'jwks',
  'jwt-issuer',
  'jwt-audience',
]);

/** What the command line says about HTTP serving; undefined when `--http` is absent. */
export interface HttpFlags {
  /** `--metrics` / `--metrics=false`: Prometheus metrics at /metrics (default: loopback only). */
  metrics?: boolean;
  /** `--no-status-page`: no status page at /. */
  statusPage?: boolean;
  host?: string;
  port?: number;
  publicUrl?: string;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  token?: { env: string; value: string; principal: string; scopes: string[] };
  jwt?: { keys: string; issuer: string; audience?: string };
}

/** `host:port`, `[::1]:port`, `:port`, a port alone, or a host alone. */
const ADDRESS =
  /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)?:(\d{1,5})|(\d{1,5})|(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+))$/;

function parseAddress(text: string): { host?: string; port?: number } {
  const match = ADDRESS.exec(text);
  if (!match) throw new UsageError(`--http takes [host:port], got "${text}"`);
  const [, hostWithPort, port, portAlone, hostAlone] = match;
  const number = port ?? portAlone;
  if (number !== undefined && Number(number) > 65535)
    throw new UsageError(`--http: port ${number} is out of range`);
  const host = (hostWithPort ?? hostAlone)?.replace(/^\[|\]$/g, '');
  return { ...(host ? { host } : {}), ...(number !== undefined ? { port: Number(number) } : {}) };
}

/** `host:port`-looking positionals (what `--http 127.0.0.1:8080` leaves behind). */
const LOOKS_LIKE_ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)?:\d{1,5}$/;

export function takeHttpFlags(parsed: ParsedArgs, withConfig: boolean): HttpFlags | undefined {
  const raw = parsed.options.get('http');
  parsed.options.delete('http');
  const tokenEnv = takeString(parsed, 'token-env');
  const tokenPrincipal = takeString(parsed, 'token-principal');
  const tokenScopes = takeList(parsed, 'token-scopes');
  const jwks = takeString(parsed, 'jwks');
  const jwtIssuer = takeString(parsed, 'jwt-issuer');
  const jwtAudience = takeString(parsed, 'jwt-audience');
  const publicUrl = takeString(parsed, 'public-url');
  const allowedHosts = takeList(parsed, 'allowed-hosts');
  const allowedOrigins = takeList(parsed, 'allowed-origins');
  const metrics = parsed.options.has('metrics') ? takeFlag(parsed, 'metrics') : undefined;
  const statusPage = parsed.options.has('no-status-page') ? !takeFlag(parsed, 'no-status-page') : undefined;
  if (raw === undefined) {
    const stray = [tokenEnv && 'token-env', jwks && 'jwks', publicUrl && 'public-url'].find(Boolean);
    if (stray) throw new UsageError(`--${stray} applies to HTTP serving: add --http [host:port]`);
    return undefined;
  }
  let address: { host?: string; port?: number } = {};
  if (typeof raw === 'string') address = parseAddress(raw);
  else {
    // `--http 127.0.0.1:8080`: the value arrives as a positional (--http may also stand alone);
    // a bare port counts when it follows the server's own arguments (or a --config).
    const index = parsed.positionals.findIndex((p) => LOOKS_LIKE_ADDRESS.test(p));
    const last = parsed.positionals.at(-1);
    if (index !== -1) address = parseAddress(parsed.positionals.splice(index, 1)[0]!);
    else if (last !== undefined && /^\d{1,5}$/.test(last) && (withConfig || parsed.positionals.length > 1)) {
      address = parseAddress(parsed.positionals.pop()!);
    }
  }
  const flags: HttpFlags = {
    ...address,
    ...(metrics !== undefined ? { metrics } : {}),
    ...(statusPage !== undefined ? { statusPage } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(allowedOrigins ? { allowedOrigins } : {}),
  };
  if (tokenEnv) {
    // The token comes from the environment, never the command line (visible to every user in ps).
    const value = process.env[tokenEnv];
    if (!value) throw new UsageError(`--token-env ${tokenEnv}: that environment variable is not set`);
    if (value.length < 16)
      throw new UsageError(`--token-env ${tokenEnv}: use a token of at least 16 characters`);
    flags.token = { env: tokenEnv, value, principal: tokenPrincipal ?? 'token', scopes: tokenScopes ?? [] };
  } else if (tokenPrincipal || tokenScopes) {
    throw new UsageError('--token-principal and --token-scopes describe the token of --token-env');
  }
  if (jwks || jwtIssuer) {
    if (!jwks || !jwtIssuer)
      throw new UsageError('JWT verification needs both --jwks <url|file> and --jwt-issuer');
    flags.jwt = { keys: jwks, issuer: jwtIssuer, ...(jwtAudience ? { audience: jwtAudience } : {}) };
  } else if (jwtAudience) throw new UsageError('--jwt-audience needs --jwks and --jwt-issuer');
  return flags;
}

/** The config's http section, with the command line winning. */
export function httpServeOptions(
  flags: HttpFlags,
  fromConfig: HttpServeOptions | undefined,
  maxMessageBytes: number | undefined,
): HttpServeOptions {
  const base = fromConfig ?? {};
  const auth = { ...base.auth };
  if (flags.token) {
    const { value, principal, scopes } = flags.token;
    auth.tokens = [...(auth.tokens ?? []), { token: value, principal, scopes }];
  }
  if (flags.jwt) {
    const remote = /^https?:\/\//i.test(flags.jwt.keys);
    auth.jwt = {
      issuer: flags.jwt.issuer,
      ...(remote ? { jwksUrl: flags.jwt.keys } : { jwksFile: path.resolve(flags.jwt.keys) }),
      ...(flags.jwt.audience ? { audience: flags.jwt.audience } : {}),
    };
  }
  return {
    ...base,
    host: flags.host ?? base.host ?? DEFAULT_HTTP_HOST,
    port: flags.port ?? base.port ?? DEFAULT_HTTP_PORT,
    ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
    allowedHosts: [...(base.allowedHosts ?? []), ...(flags.allowedHosts ?? [])],
    allowedOrigins: [...(base.allowedOrigins ?? []), ...(flags.allowedOrigins ?? [])],
    ...(auth.tokens?.length || auth.jwt ? { auth } : {}),
    ...(flags.metrics !== undefined ? { metrics: flags.metrics } : {}),
    ...(flags.statusPage !== undefined ? { statusPage: flags.statusPage } : {}),
    limits: { ...base.limits, ...(maxMessageBytes ? { maxBodyBytes: maxMessageBytes } : {}) },
  };
}
