import type { Logger, RuntimeOptions, ServerModule } from '@mcpkit/core';
import { buildFromConfig, httpOptionsFromConfig, loadConfig } from '@mcpkit/core/config';
import type { HealthEntry, HttpServeOptions } from '@mcpkit/core/http';
import { claudeDesktopAdapter } from '../../claude-desktop.js';
import { catalog } from '../../servers.js';
import { gatewayUpstreams } from '../../upstreams.js';

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
  /** The upstreams' states, for the status page and metrics. */
  health?: () => Promise<HealthEntry[]>;
}> {
  const upstreams = gatewayUpstreams();
  const { config, baseDir } = await loadConfig(file, { catalog, adapt: claudeDesktopAdapter, upstreams });
  if (useConfigLogLevel) logger.level = config.log.level;
  const built = await buildFromConfig(config, catalog, { logger, cwd: baseDir, upstreams });
  return {
    module: built.module,
    runtime: built.runtime,
    label: `${config.name} (${[...Object.keys(config.servers), ...Object.keys(config.mcpServers)].join(', ')})`,
    ...(config.http ? { http: httpOptionsFromConfig(config.http, baseDir) } : {}),
    ...(Object.keys(config.mcpServers).length ? { health: () => upstreams.health() } : {}),
  };
}
