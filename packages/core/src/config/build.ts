import type { Logger } from 'pino';
import { compose } from '../compose/compose.js';
import type { ServerModule } from '../define/server.js';
import { applyPolicy } from '../policy/policy.js';
import { findServer, listServers } from '../registry/registry.js';
import type { RuntimeOptions } from '../runtime/runtime.js';
import type { McpkitConfig } from './schema.js';

export class UnknownServerError extends Error {
  override readonly name = 'UnknownServerError';
  constructor(name: string) {
    const known = listServers().map((s) => s.name);
    super(`Unknown server "${name}". Built-in servers: ${known.join(', ') || '(none registered)'}`);
  }
}

/** Creates one built-in server module by its registry name. */
export async function createBuiltin(
  name: string,
  args: string[],
  options: Record<string, unknown>,
  context: { logger: Logger; cwd: string },
): Promise<ServerModule> {
  const entry = findServer(name);
  if (!entry) throw new UnknownServerError(name);
  return entry.create(args, options, context);
}

/**
 * Builds what a config describes: each server created from the registry with its own policy
 * applied, mounted under its namespace when there are several (alone, it is served unprefixed),
 * and the runtime options (global policy, limits, rate limit, cache) for serving it.
 */
export async function buildFromConfig(
  config: McpkitConfig,
  context: { logger: Logger; cwd: string },
): Promise<{ module: ServerModule; runtime: RuntimeOptions }> {
  const entries = Object.entries(config.servers);
  const modules: Record<string, ServerModule> = {};
  const created: ServerModule[] = [];
  try {
    for (const [key, entry] of entries) {
      const module = await createBuiltin(entry.server, entry.args, entry.options, context);
      created.push(module);
      const scoped = applyPolicy(module, {
        readOnly: entry.readOnly,
        allow: entry.tools?.allow,
        deny: entry.tools?.deny,
      });
      modules[entries.length === 1 ? '' : (entry.namespace ?? key)] = scoped;
    }
  } catch (error) {
    await Promise.allSettled(created.map((m) => m.close?.()));
    throw error;
  }
  const only = entries.length === 1 ? modules[''] : undefined;
  const module = only ?? compose({ name: config.name, version: '0.1.0' }, modules);
  return {
    module,
    runtime: {
      policy: {
        readOnly: config.readOnly,
        allow: config.tools.allow,
        deny: config.tools.deny,
        scopes: config.tools.scopes,
      },
      timeoutMs: config.limits.timeoutMs,
      maxOutputBytes: config.limits.maxOutputBytes,
      maxInputElements: config.limits.maxInputElements,
      rateLimit: config.rateLimit,
      cache: config.cache,
      audit: config.log.audit,
    },
  };
}
