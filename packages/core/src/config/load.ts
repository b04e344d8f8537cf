import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { fromClaudeDesktop } from './claude-desktop.js';
import { interpolateEnv } from './interpolate.js';
import { ClaudeDesktopSchema, ConfigSchema, type McpkitConfig } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  config: McpkitConfig;
  /** The folder relative paths in the config resolve against. */
  baseDir: string;
}

/** Validates an already-parsed config value (either shape), after `${ENV}` interpolation. */
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
  source = 'config',
): McpkitConfig {
  let value = raw;
  let environment = env;
  if (value && typeof value === 'object' && 'mcpServers' in value && !('servers' in value)) {
    const claude = ClaudeDesktopSchema.safeParse(value);
    if (!claude.success)
      throw new ConfigError(`${source} (Claude Desktop shape):\n${z.prettifyError(claude.error)}`);
    try {
      const converted = fromClaudeDesktop(claude.data);
      value = converted.config;
      environment = { ...converted.env, ...env };
    } catch (error) {
      throw new ConfigError(`${source}: ${(error as Error).message}`);
    }
  }
  try {
    value = interpolateEnv(value, environment);
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`);
  }
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(`${source} is not valid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads a YAML or JSON config file (mcpkit's shape or Claude Desktop's). */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
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
  return { config: parseConfig(raw, env, file), baseDir: path.dirname(path.resolve(file)) };
}
