import { registerServer } from '@mcpkit/core';

// Registration is cheap: the server's code loads only when it is created.
registerServer({
  name: 'filesystem',
  description:
    'Files under the given folders: read, write, edit, move, list, tree, glob and content search; sandboxed, bounded, watched resources',
  usage: '<dir> [dir...] [--read-only] [--allow-hardlinks] [--max-read-bytes=128k] ...',
  pathArgs: true,
  async create(args, options, { cwd, logger }) {
    const { createFilesystemServer } = await import('./server.js');
    const roots = args.length ? args : Array.isArray(options.roots) ? (options.roots as string[]) : [];
    const { roots: _ignored, ...rest } = options;
    return createFilesystemServer({ ...rest, roots, cwd, logger });
  },
});
