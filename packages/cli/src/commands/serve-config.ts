import {
  buildFromConfig,
  type HttpConfig,
  type HttpServeOptions,
  httpOptionsFromConfig,
  type Logger,
  loadConfig,
  type RuntimeOptions,
  type ServerModule,
} from '@mcpkit/core';

/** `mcpkit serve --config <file>`: the module, runtime options and HTTP settings a config describes. */
export async function loadServeConfig(
  file: string,
  logger: Logger,
  { useConfigLogLevel }: { useConfigLogLevel: boolean },
): Promise<{
  module: ServerModule;
  runtime: RuntimeOptions;
  label: string;
  http?: HttpServeOptions;
}> {
  const { config, baseDir } = await loadConfig(file);
  if (useConfigLogLevel) logger.level = config.log.level;
  const built = await buildFromConfig(config, { logger, cwd: baseDir });
  return {
    module: built.module,
    runtime: built.runtime,
    label: `${config.name} (${Object.keys(config.servers).join(', ')})`,
    ...(config.http ? { http: httpOptionsFromConfig(config.http as HttpConfig, baseDir) } : {}),
  };
}
