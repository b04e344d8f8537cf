import {
  buildFromConfig,
  createBuiltin,
  createLogger,
  createRuntime,
  listServers,
  loadConfig,
  type RuntimeOptions,
  type ServerModule,
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
  const logger = createLogger({ level: level as LevelWithSilent | undefined });

  let module: ServerModule;
  let options: RuntimeOptions;
  let label: string;
  if (configFile) {
    if (parsed.positionals.length)
      throw new UsageError('give either --config <file> or a server name, not both');
    const { config, baseDir } = await loadConfig(configFile);
    if (!level) logger.level = config.log.level;
    const built = await buildFromConfig(config, { logger, cwd: baseDir });
    module = built.module;
    options = mergeRuntime(built.runtime, cli);
    label = `${config.name} (${Object.keys(config.servers).join(', ')})`;
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
