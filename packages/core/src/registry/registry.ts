import type { Logger } from 'pino';
import type { ServerModule } from '../define/server.js';

export interface ServerCreateContext {
  logger: Logger;
  /** Folder relative paths in args and options resolve against (the config file's folder). */
  cwd: string;
}

/** A built-in server the CLI and config files can name. */
export interface ServerEntry {
  /** The name on the command line: `mcpkit serve <name>`. */
  name: string;
  description: string;
  /** Argument synopsis for help text, e.g. `<dir> [dir...]`. */
  usage?: string;
  /** Arguments that are local paths (made absolute by `mcpkit config claude`). */
  pathArgs?: boolean;
  /** Builds the module from command-line arguments and config options. */
  create(
    args: string[],
    options: Record<string, unknown>,
    context: ServerCreateContext,
  ): Promise<ServerModule>;
}

// Shared through globalThis so that two copies of this package (say, a linked and an installed
// one) still see one registry.
const KEY = Symbol.for('mcpkit.server-registry');
const holder = globalThis as { [KEY]?: Map<string, ServerEntry> };
holder[KEY] ??= new Map();
const registry: Map<string, ServerEntry> = holder[KEY];

/** Adds a server package's entry; every server package calls this from its `register` module. */
export function registerServer(entry: ServerEntry): void {
  const existing = registry.get(entry.name);
  if (existing && existing !== entry) throw new Error(`A server named "${entry.name}" is already registered`);
  registry.set(entry.name, entry);
}

export function findServer(name: string): ServerEntry | undefined {
  return registry.get(name);
}

export function listServers(): ServerEntry[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}
