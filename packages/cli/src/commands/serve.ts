import path from 'node:path';
import {
  createBuiltin,
  createLogger,
  createRuntime,
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  type HttpServeOptions,
  type HttpServerHandle,
  listServers,
  type Runtime,
  type RuntimeOptions,
  type ServerModule,
  serveRuntimeOverHttp,
  serveRuntimeOverStdio,
} from '@mcpkit/core';
import type { LevelWithSilent } from 'pino';
import {
  type ParsedArgs,
  remainingAsServerOptions,
  takeFlag,
  takeInt,
  takeList,
  takeString,
} from '../options.js';
import { UsageError } from '../usage.js';

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

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function listBuiltins(): string {
  return listServers()
    .map((s) => `${s.name}${s.usage ? ` ${s.usage}` : ''}\n    ${s.description}`)
    .join('\n');
}

/** `mcpkit serve`: one built-in or a config, over stdio, until the client goes away. */
export async function serve(parsed: ParsedArgs): Promise<void> {
  if (takeFlag(parsed, 'list')) {
    process.stdout.write(`${listBuiltins()}\n`);
    return;
  }
  const configFile = takeString(parsed, 'config');
  const level = takeString(parsed, 'log-level');
  if (level !== undefined && !LEVELS.has(level))
    throw new UsageError(`--log-level must be one of ${[...LEVELS].join(', ')}`);
  const cli: RuntimeOptions = {
    policy: {
      readOnly: takeFlag(parsed, 'read-only'),
      allow: takeList(parsed, 'allow'),
      deny: takeList(parsed, 'deny'),
    },
    timeoutMs: takeInt(parsed, 'timeout'),
    maxOutputBytes: takeInt(parsed, 'max-output'),
  };
  const maxMessageBytes = takeInt(parsed, 'max-message');
  const http = takeHttpFlags(parsed, configFile !== undefined);
  const logger = createLogger({ level: level as LevelWithSilent | undefined });

  let module: ServerModule;
  let options: RuntimeOptions;
  let label: string;
  let httpConfig: HttpServeOptions | undefined;
  if (configFile) {
    if (parsed.positionals.length)
      throw new UsageError('give either --config <file> or a server name, not both');
    // Config parsing (YAML) loads only when a config is given.
    const { loadServeConfig } = await import('./serve-config.js');
    const loaded = await loadServeConfig(configFile, logger, { useConfigLogLevel: !level });
    module = loaded.module;
    options = mergeRuntime(loaded.runtime, cli);
    label = loaded.label;
    httpConfig = loaded.http;
  } else {
    const [server, ...args] = parsed.positionals;
    if (!server) throw new UsageError('serve needs a server name or --config <file> (mcpkit serve --list)');
    module = await createBuiltin(server, args, remainingAsServerOptions(parsed), {
      logger,
      cwd: process.cwd(),
    });
    options = cli;
    label = server;
  }

  const runtime = await createRuntime(module, { ...options, logger });
  if (http) {
    const serveOptions = httpServeOptions(http, httpConfig, maxMessageBytes);
    await serveOverHttp(runtime, serveOptions, label, level === 'silent');
    return;
  }
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await handle.close().catch(() => {});
    await runtime.close().catch((error) => logger.error({ err: error }, 'error while closing'));
    process.exit(code);
  };
  const handle = serveRuntimeOverStdio(runtime, {
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
    onClosed: () => void stop(0),
  });
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  const m = runtime.module;
  logger.info(
    {
      tools: m.tools.length,
      resources: m.resources.length + m.resourceTemplates.length,
      prompts: m.prompts.length,
    },
    `serving ${label} on stdio`,
  );
}

/** Command-line options win over the config file's. */
function mergeRuntime(fromConfig: RuntimeOptions, cli: RuntimeOptions): RuntimeOptions {
  return {
    ...fromConfig,
    policy: {
      ...fromConfig.policy,
      readOnly: cli.policy?.readOnly || fromConfig.policy?.readOnly,
      allow: cli.policy?.allow ?? fromConfig.policy?.allow,
      deny: [...(fromConfig.policy?.deny ?? []), ...(cli.policy?.deny ?? [])],
    },
    timeoutMs: cli.timeoutMs ?? fromConfig.timeoutMs,
    maxOutputBytes: cli.maxOutputBytes ?? fromConfig.maxOutputBytes,
  };
}

/** What the command line says about HTTP serving; undefined when `--http` is absent. */
interface HttpFlags {
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

function takeHttpFlags(parsed: ParsedArgs, withConfig: boolean): HttpFlags | undefined {
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
function httpServeOptions(
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
    limits: { ...base.limits, ...(maxMessageBytes ? { maxBodyBytes: maxMessageBytes } : {}) },
  };
}

/** Serves over Streamable HTTP until SIGINT/SIGTERM, and says on stderr how to connect. */
async function serveOverHttp(runtime: Runtime, options: HttpServeOptions, label: string, quiet: boolean) {
  let handle: HttpServerHandle;
  try {
    handle = await serveRuntimeOverHttp(runtime, options);
  } catch (error) {
    await runtime.close().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`${options.host}:${options.port} is already in use (try --http :0)`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${options.host}:${options.port}`);
    throw new UsageError((error as Error).message);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await handle.close().catch(() => {});
    await runtime.close().catch((error) => runtime.logger.error({ err: error }, 'error while closing'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  runtime.logger.info(
    { url: handle.url.href, host: handle.host, port: handle.port },
    `serving ${label} over HTTP`,
  );
  if (!quiet) process.stderr.write(connectHints(handle, label, options));
}

/** The start-up banner: the URL and how to connect from the usual clients. */
function connectHints(handle: HttpServerHandle, label: string, options: HttpServeOptions): string {
  const url = handle.url.href;
  const auth = options.auth;
  const tokenEnv = 'MCPKIT_TOKEN';
  const who = [
    auth?.tokens?.length ? `${auth.tokens.length} static token${auth.tokens.length > 1 ? 's' : ''}` : '',
    auth?.jwt ? `JWTs from ${auth.jwt.issuer}` : '',
  ].filter(Boolean);
  const key = label.split(' ')[0]!.replace(/[^A-Za-z0-9_-]/g, '') || 'mcpkit';
  const remoteArgs = auth ? [url, '--header', 'Authorization:${AUTH_HEADER}'] : [url];
  const desktop = {
    mcpServers: {
      [key]: {
        command: 'npx',
        args: ['-y', 'mcp-remote', ...remoteArgs],
        ...(auth ? { env: { AUTH_HEADER: 'Bearer <token>' } } : {}),
      },
    },
  };
  const prefix = auth ? `${tokenEnv}=<token> ` : '';
  return [
    `mcpkit: serving ${label} over Streamable HTTP (2025-era sessions and 2026-07-28) at`,
    `  ${url}`,
    `  health: ${new URL('/healthz', url).href}`,
    `  auth: ${who.length ? `bearer ${who.join(' and ')}` : 'none (loopback only; beyond it, bind --http 0.0.0.0:<port> with --token-env or --jwks)'}`,
    '',
    'Connect with:',
    `  mcpkit          ${prefix}mcpkit tools ${url}`,
    `                  ${prefix}mcpkit call ${url} <tool> '{"arg":"value"}'`,
    `  MCP Inspector   npx @modelcontextprotocol/inspector, then Transport "Streamable HTTP", URL ${url}${auth ? ', Authentication: Bearer <token>' : ''}`,
    `  Claude Desktop  in claude_desktop_config.json: ${JSON.stringify(desktop)}`,
    '',
  ].join('\n');
}
