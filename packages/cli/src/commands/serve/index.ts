import {
  createDeclaredServer,
  createLogger,
  createRuntime,
  type Runtime,
  type RuntimeOptions,
  type ServerModule,
} from '@mcpkit/core';
import type { HttpServeOptions, HttpServerHandle } from '@mcpkit/core/http';
import type { LevelWithSilent } from 'pino';
import {
  type ParsedArgs,
  remainingAsServerOptions,
  takeFlag,
  takeInt,
  takeList,
  takeString,
} from '../../options.js';
import { catalog } from '../../servers.js';
import { UsageError } from '../../usage.js';
import { connectHints } from './banner.js';
import { httpServeOptions, takeHttpFlags } from './flags.js';
import { stopOnce } from './lifecycle.js';

export { SERVE_VALUED } from './flags.js';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** `mcpkit serve --list`: every declared server with its argument synopsis. */
export function listBuiltins(): string {
  return catalog
    .list()
    .map((s) => `${s.name}${s.args ? ` ${s.args.synopsis}` : ''} [options]\n    ${s.description}`)
    .join('\n');
}

/** `mcpkit serve`: one built-in or a config, over stdio or HTTP, until stopped. */
export async function serve(parsed: ParsedArgs): Promise<void> {
  if (takeFlag(parsed, 'list')) {
    process.stdout.write(`${listBuiltins()}\n\nmcpkit serve <server> --help lists a server's options.\n`);
    return;
  }
  const configFile = takeString(parsed, 'config');
  const level = takeString(parsed, 'log-level');
  if (level !== undefined && !LEVELS.has(level))
    throw new UsageError(`--log-level must be one of ${[...LEVELS].join(', ')}`);
  const cli: RuntimeOptions = {
    policy: {
      // With a config, --read-only covers every mounted server; for one built-in it is that
      // server's own write flag (below), the same on every server.
      readOnly: configFile ? takeFlag(parsed, 'read-only') : false,
      allow: takeList(parsed, 'allow'),
      deny: takeList(parsed, 'deny'),
    },
    timeoutMs: takeInt(parsed, 'timeout'),
    maxOutputBytes: takeInt(parsed, 'max-output'),
    // Ask the user (elicitation) before a destructive tool runs; refused where the client cannot ask.
    ...(takeFlag(parsed, 'confirm-writes') ? { confirm: 'destructive' as const } : {}),
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
    const { loadServeConfig } = await import('./config.js');
    const loaded = await loadServeConfig(configFile, logger, { useConfigLogLevel: !level });
    module = loaded.module;
    options = mergeRuntime(loaded.runtime, cli);
    label = loaded.label;
    httpConfig = loaded.http;
    if (loaded.health) httpConfig = { ...(httpConfig ?? {}), health: loaded.health };
  } else {
    const [server, ...args] = parsed.positionals;
    if (!server) throw new UsageError('serve needs a server name or --config <file> (mcpkit serve --list)');
    module = await createDeclaredServer(
      catalog.get(server),
      { args, options: remainingAsServerOptions(parsed) },
      { logger, cwd: process.cwd(), env: process.env },
    );
    options = cli;
    label = server;
  }

  const runtime = await createRuntime(module, { ...options, logger });
  if (http) {
    await serveOverHttp(
      runtime,
      httpServeOptions(http, httpConfig, maxMessageBytes),
      label,
      level === 'silent',
    );
    return;
  }
  const { serveRuntimeOverStdio } = await import('@mcpkit/core/stdio');
  const handle = serveRuntimeOverStdio(runtime, {
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
    onClosed: () => void stop(0),
  });
  const stop = stopOnce(runtime, () => handle.close());
  const m = runtime.module;
  const counts = {
    tools: m.tools.length,
    resources: m.resources.length + m.resourceTemplates.length,
    prompts: m.prompts.length,
  };
  // Started by hand in a terminal, a stdio server would otherwise sit silent: say what it is.
  if (process.stdin.isTTY && level !== 'silent') {
    process.stderr.write(stdioHint(label, configFile ? `--config ${configFile}` : label, counts));
  } else logger.info(counts, `serving ${label} on stdio`);
}

/** What a person who started a stdio server in a terminal needs to know. */
function stdioHint(
  label: string,
  target: string,
  counts: { tools: number; resources: number; prompts: number },
): string {
  const what = Object.entries(counts)
    .map(([kind, n]) => `${n} ${n === 1 ? kind.slice(0, -1) : kind}`)
    .join(', ');
  return [
    `mcpkit: serving ${label} on stdio (${what}), waiting for an MCP client on stdin/stdout.`,
    '  A host such as Claude Desktop starts this command itself (mcpkit config claude <server>).',
    `  To look around instead: mcpkit tools ${target}, or serve over HTTP with --http. Ctrl-C stops.`,
    '',
  ].join('\n');
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
    confirm: cli.confirm ?? fromConfig.confirm,
  };
}

/** Serves over Streamable HTTP until SIGINT/SIGTERM, and says on stderr how to connect. */
async function serveOverHttp(runtime: Runtime, options: HttpServeOptions, label: string, quiet: boolean) {
  const { serveRuntimeOverHttp } = await import('@mcpkit/core/http');
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
  stopOnce(runtime, () => handle.close());
  runtime.logger.info(
    { url: handle.url.href, host: handle.host, port: handle.port },
    `serving ${label} over HTTP`,
  );
  if (!quiet) process.stderr.write(connectHints(handle, label, options));
}
