import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ServerModule } from '../define/server.js';
import type { ServerCatalog } from '../servers/catalog.js';
import { resolveServerOptions } from '../servers/resolve.js';
import { entryInput } from './build.js';
import { ConfigError } from './error.js';
import { interpolateEnv } from './interpolate.js';
import { ConfigSchema, HttpConfigSchema, type McpkitConfig } from './schema.js';

export { ConfigError };

export interface LoadedConfig {
  config: McpkitConfig;
  /** The folder relative paths in the config resolve against. */
  baseDir: string;
}

/**
 * Turns a config value of another shape (Claude Desktop's `mcpServers`) into mcpkit's, with the
 * environment its entries set. The CLI supplies this: core does not know other programs' files.
 */
export type ConfigAdapter = (
  raw: unknown,
  source: string,
) => { value: unknown; env?: Record<string, string> } | undefined;

export interface ParseConfigOptions {
  /** The servers config entries may name; their options are validated against their declarations. */
  catalog: ServerCatalog;
  env?: NodeJS.ProcessEnv;
  /** The file name errors name. */
  source?: string;
  adapt?: ConfigAdapter;
  /** What serves `mcpServers` entries (the gateway): checks each one at load. Without it they are refused. */
  upstreams?: UpstreamSupport;
}

/**
 * Serving other MCP servers (`mcpServers` entries) is the gateway's job; the program that has it
 * (the CLI) passes this in, so core depends on no gateway.
 */
export interface UpstreamSupport {
  /** Throws an Error naming what is wrong with one entry. */
  validate(key: string, entry: Record<string, unknown>): void;
  /** Every entry as modules by namespace, ready to compose with the built-ins. */
  build(
    entries: Record<string, Record<string, unknown>>,
    context: { logger: Logger; cwd: string },
  ): Promise<Record<string, ServerModule>>;
}

/**
 * Validates an already-parsed config value, after `${ENV}` interpolation: its shape, then every
 * server entry's name and options against that server's declaration. Every problem is reported
 * at once, each with its path (`servers.db.options.maxRows: …`).
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions): McpkitConfig {
  const source = options.source ?? 'config';
  let value = raw;
  let environment = options.env ?? process.env;
  const adapted = options.adapt?.(raw, source);
  if (adapted) {
    value = adapted.value;
    environment = { ...(adapted.env ?? {}), ...environment };
  }
  try {
    value = interpolateEnv(value, environment);
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`);
  }
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${issue.message} at ${issue.path.map(String).join('.') || 'the top level'}`,
    );
    throw new ConfigError(`${source}: ${lines.join('; ')}`);
  }
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(result.data.servers)) {
    const declaration = options.catalog.find(entry.server);
    if (!declaration) {
      problems.push(
        `servers.${key}.server: unknown server "${entry.server}" (known: ${options.catalog.names().join(', ')})`,
      );
      continue;
    }
    try {
      resolveServerOptions(declaration, entryInput(entry), environment, {
        style: 'config',
        path: `servers.${key}.options`,
      });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const [key, entry] of Object.entries(result.data.mcpServers)) {
    if (!options.upstreams) {
      problems.push(`mcpServers.${key}: serving other MCP servers needs the gateway (mcpkit serve --config)`);
      continue;
    }
    try {
      options.upstreams.validate(key, entry);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length) throw new ConfigError(`${source}: ${problems.join('; ')}`);
  const config: McpkitConfig = result.data;
  // HTTP serving reads the shared Redis from its own section (the bus, the 2025 event store).
  if (config.redis) config.http = { ...(config.http ?? HttpConfigSchema.parse({})), redis: config.redis };
  return config;
}

/** Reads a YAML or JSON config file and validates it (see `parseConfig`). */
export async function loadConfig(
  file: string,
  options: Omit<ParseConfigOptions, 'source'>,
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let raw: unknown;
  try {
    // The YAML parser loads only for a YAML file: start-up without a config never pays for it.
    // (CommonJS: `default` is its exports both in Node and in a bundle.)
    raw = /\.json$/i.test(file)
      ? JSON.parse(text)
      : (await import('yaml')).default.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`Cannot parse config ${file}: ${(error as Error).message}`);
  }
  return {
    config: parseConfig(raw, { ...options, source: file }),
    baseDir: path.dirname(path.resolve(file)),
  };
}
