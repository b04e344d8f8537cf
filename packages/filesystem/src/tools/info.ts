import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import { defineTool, structured, type ToolDefinition } from '@mcpkit/core';
import * as z from 'zod';
import { about } from '../sandbox/errors.js';
import type { Resolved, Sandbox } from '../sandbox/sandbox.js';
import { type FsContext, formatSize, READ_ONLY, shownAbsolute } from './context.js';

const infoOutput = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
  created: z.string(),
  modified: z.string(),
  accessed: z.string(),
  permissions: z.string(),
  links: z.number(),
  isFile: z.boolean(),
  isDirectory: z.boolean(),
  isSymbolicLink: z.boolean(),
  linkTarget: z.string().optional().describe('For a symbolic link: the allowed path it leads to'),
});

export function kindOf(stat: fs.Stats | fs.BigIntStats): 'file' | 'directory' | 'symlink' | 'other' {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** lstat of a resolved path, taken through its checked parent folder (so no swap can redirect it). */
async function lstatChecked(sandbox: Sandbox, resolved: Resolved): Promise<fs.Stats> {
  if (sandbox.roots.some((root) => root.real === resolved.real))
    return about(resolved.input, () => fsp.lstat(resolved.real));
  const { dir, name } = await sandbox.openParent(resolved);
  try {
    return await about(resolved.input, () => fsp.lstat(dir.child(name)));
  } finally {
    dir.close();
  }
}

export function infoTools(fsx: FsContext): ToolDefinition[] {
  const getFileInfo = defineTool({
    name: 'get_file_info',
    title: 'Get File Info',
    description:
      'Metadata of a file or folder without reading it: type, size, created/modified/accessed times, permissions, ' +
      'hard-link count; for a symbolic link, where it leads.',
    input: z.object({ path: z.string().describe('Absolute, or relative to the first allowed directory') }),
    output: infoOutput,
    annotations: READ_ONLY,
    handler: async ({ path: input }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const entry = await sandbox.existing(input, { follow: false });
      let stat = await lstatChecked(sandbox, entry);
      let linkTarget: string | undefined;
      const isSymbolicLink = stat.isSymbolicLink();
      if (isSymbolicLink) {
        // Describe a link only when it leads inside (or nowhere yet, inside), like every tool.
        const target = await sandbox.resolve(input);
        linkTarget = target.exists ? shownAbsolute(target) : `${shownAbsolute(target)} (missing)`;
        if (target.exists) stat = await lstatChecked(sandbox, target);
      }
      sandbox.refuseLinked(input, stat);
      const info = {
        path: input,
        type: isSymbolicLink ? ('symlink' as const) : kindOf(stat),
        size: stat.size,
        created: stat.birthtime.toISOString(),
        modified: stat.mtime.toISOString(),
        accessed: stat.atime.toISOString(),
        permissions: (stat.mode & 0o777).toString(8).padStart(3, '0'),
        links: stat.nlink,
        isFile: stat.isFile(),
        isDirectory: stat.isDirectory(),
        isSymbolicLink,
        ...(linkTarget ? { linkTarget } : {}),
      };
      const text = Object.entries(info)
        .map(
          ([key, value]) => `${key}: ${key === 'size' ? `${value} (${formatSize(value as number)})` : value}`,
        )
        .join('\n');
      return structured(info, text);
    },
  });

  const listAllowedDirectories = defineTool({
    name: 'list_allowed_directories',
    title: 'List Allowed Directories',
    description:
      'The folders this server may read and write (with everything below them). Relative paths resolve against ' +
      'the first one.',
    output: z.object({ directories: z.array(z.string()) }),
    annotations: READ_ONLY,
    handler: async (_input, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const directories = sandbox.roots.map((root) => root.shown);
      const text = directories.length
        ? `Allowed directories:\n${directories.join('\n')}`
        : "No allowed directories: the client's roots do not overlap the server's.";
      return structured({ directories }, text);
    },
  });

  return [getFileInfo, listAllowedDirectories];
}
