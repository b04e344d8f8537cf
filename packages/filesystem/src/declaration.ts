import { declareServer } from '@mcpkit/core';
import * as z from 'zod';
import { filesystemOptionsSchema } from './options.js';

/** How `mcpkit serve filesystem DIR…` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'filesystem',
    description:
      'Files under the given folders: read, write, edit, move, list, tree, glob and content search; sandboxed, bounded, watched resources',
    options: filesystemOptionsSchema.extend({
      roots: z
        .array(z.string().min(1))
        .optional()
        .refine((roots) => roots !== undefined && roots.length > 0, 'give at least one allowed directory')
        .describe('Allowed directories'),
    }),
    args: { option: 'roots', variadic: true, synopsis: '<dir> [dir...]' },
    paths: ['roots'],
    // As the reference server: writing tools are served unless --read-only.
    writes: 'on',
    async create(options, { cwd, logger }) {
      const { createFilesystemServer } = await import('./server.js');
      const { roots, writes, readOnly: _r, allowWrites: _a, ...limits } = options;
      return createFilesystemServer({ ...limits, roots: roots ?? [], readOnly: !writes, cwd, logger });
    },
  }),
];
