import { defineServer, type Logger, packageVersion, type ServerModule } from '@mcpkit/core';
import { type FilesystemOptions, parseLimits } from './options.js';
import { fileResources } from './resources/files.js';
import { ResourceWatcher } from './resources/watch.js';
import { Sandbox } from './sandbox/sandbox.js';
import { createFsContext } from './tools/context.js';
import { infoTools } from './tools/info.js';
import { listTools } from './tools/list.js';
import { readTools } from './tools/read.js';
import { searchTools } from './tools/search.js';
import { servedNamesInErrors } from './tools/served-names.js';
import { writeTools } from './tools/write.js';

export interface FilesystemServerOptions extends FilesystemOptions {
  /** The allowed directories; relative ones resolve against `cwd`. */
  roots: readonly string[];
  /** Serve no tool that writes (the declaration passes `--read-only`, or writes turned off). */
  readOnly?: boolean;
  cwd?: string;
  logger?: Logger;
  /** Use the portable path checks even on Linux (tests exercise both). */
  portableChecks?: boolean;
}

export const VERSION = packageVersion(import.meta.url);

/**
 * The filesystem server: every tool of the reference server (same names and arguments) and
 * more, all bounded, behind one sandbox; files as file:// resources, watched when subscribed.
 */
export async function createFilesystemServer(options: FilesystemServerOptions): Promise<ServerModule> {
  const { roots, cwd, logger, portableChecks, readOnly = false, ...rest } = options;
  const limits = parseLimits(rest);
  const sandbox = await Sandbox.create(roots, cwd ?? process.cwd(), {
    allowHardlinks: limits.allowHardlinks,
    portable: portableChecks,
  });
  const fsx = createFsContext(sandbox, limits);
  const tools = [
    ...readTools(fsx),
    ...(readOnly ? [] : writeTools(fsx)),
    ...listTools(fsx),
    ...searchTools(fsx),
    ...infoTools(fsx),
  ].map(servedNamesInErrors);
  const watcher = new ResourceWatcher(sandbox, limits.watchDebounceMs, logger);
  return defineServer({
    name: 'filesystem',
    version: VERSION,
    title: 'mcpkit filesystem',
    instructions: [
      `Files under ${sandbox.roots.map((r) => r.shown).join(', ')}${readOnly ? ' (read-only)' : ''}.`,
      'Paths are absolute, or relative to the first allowed directory. Every result is bounded;',
      'a partial one says how to get the rest (offset, cursor). Prefer search_files and',
      'search_file_contents over walking folders by hand.',
    ].join(' '),
    tools,
    resources: [fileResources(fsx)],
    watch: watcher.watch,
    close: () => watcher.closeAll(),
  });
}
