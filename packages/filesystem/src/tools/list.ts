import fs from 'node:fs';
import {
  decodeCursor,
  defineTool,
  encodeCursor,
  requestKey,
  structured,
  type ToolDefinition,
} from '@mcpkit/core';
import * as z from 'zod';
import { compileGlobs, globList } from '../fs/globs.js';
import { type EntryKind, HARD_MAX_DEPTH, walk } from '../fs/walk.js';
import { aboutSync, PathError } from '../sandbox/errors.js';
import type { DirHandle, Resolved, Sandbox } from '../sandbox/sandbox.js';
import { type FsContext, formatSize, PAGE_BYTES, progressReporter, READ_ONLY } from './context.js';

const TYPE_NAME: Record<EntryKind, 'file' | 'directory' | 'symlink' | 'other'> = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  other: 'other',
};
const TAG: Record<EntryKind, string> = { file: '[FILE]', dir: '[DIR]', symlink: '[LINK]', other: '[OTHER]' };

interface Listed {
  name: string;
  kind: EntryKind;
  size?: number;
  modified?: number;
}

const listOutput = z.object({
  path: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['file', 'directory', 'symlink', 'other']),
      size: z.number().optional(),
      modified: z.string().optional(),
    }),
  ),
  total: z.number().describe('Entries in the folder'),
  nextCursor: z.string().optional().describe('Pass as cursor to get the next page'),
});

const treeNode: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.enum(['file', 'directory', 'symlink', 'other']),
    children: z.array(treeNode).optional(),
    truncated: z.boolean().optional(),
  }),
);

interface TreeNode {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  children?: TreeNode[];
  truncated?: boolean;
}

export function listTools(fsx: FsContext): ToolDefinition[] {
  const { limits } = fsx;

  const list = async (
    input: { path: string; sizes?: boolean; sortBy?: 'name' | 'size' | 'modified'; cursor?: string },
    ctx: Parameters<ToolDefinition['handler']>[1],
    tool: string,
  ) => {
    const sortBy = input.sortBy ?? 'name';
    const sizes = input.sizes === true || sortBy !== 'name';
    const key = requestKey(tool, input.path, sortBy, sizes);
    const start = input.cursor ? Number(decodeCursor<{ o: number }>(input.cursor, key).o) || 0 : 0;
    const sandbox = await fsx.sandboxFor(ctx);
    const resolved = await sandbox.existing(input.path);
    const dir = await openFolder(sandbox, resolved);
    let entries: Listed[];
    try {
      entries = dir.list().map((d) => ({ name: d.name, kind: kindOfDirent(d) }));
      if (sizes) for (const entry of entries) Object.assign(entry, statEntry(dir, entry.name));
    } finally {
      dir.close();
    }
    entries.sort(
      sortBy === 'size'
        ? (a, b) => (b.size ?? 0) - (a.size ?? 0) || byName(a, b)
        : sortBy === 'modified'
          ? (a, b) => (b.modified ?? 0) - (a.modified ?? 0) || byName(a, b)
          : byName,
    );
    const page: Listed[] = [];
    let pageBytes = 0;
    for (const entry of entries.slice(start, start + limits.maxEntries)) {
      if (page.length && pageBytes > PAGE_BYTES) break;
      page.push(entry);
      pageBytes += Buffer.byteLength(entry.name) + 24;
    }
    const end = start + page.length;
    const nextCursor = end < entries.length ? encodeCursor({ o: end }, key) : undefined;
    const width = Math.min(40, Math.max(0, ...page.map((e) => e.name.length)));
    const lines = page.map((e) => {
      const tag = TAG[e.kind];
      // A hard-linked file has no size to show (it may be one outside), not a size of 0.
      if (!sizes || e.kind !== 'file' || e.size === undefined) return `${tag} ${e.name}`;
      return `${tag} ${e.name.padEnd(width)}  ${formatSize(e.size).padStart(9)}`;
    });
    if (sizes && start === 0 && !nextCursor) {
      const files = entries.filter((e) => e.kind === 'file');
      const folders = entries.filter((e) => e.kind === 'dir').length;
      const bytes = files.reduce((sum, e) => sum + (e.size ?? 0), 0);
      lines.push(
        '',
        `Total: ${files.length} files, ${folders} directories`,
        `Combined size: ${formatSize(bytes)}`,
      );
    }
    if (entries.length === 0) lines.push('(empty directory)');
    if (nextCursor) {
      lines.push(
        '',
        `[Showing entries ${start + 1}-${end} of ${entries.length}. More: call ${ctx.servedName(tool)} with cursor="${nextCursor}"]`,
      );
    }
    return structured(
      {
        path: input.path,
        entries: page.map((e) => ({
          name: e.name,
          type: TYPE_NAME[e.kind],
          ...(e.size !== undefined ? { size: e.size } : {}),
          ...(e.modified !== undefined ? { modified: new Date(e.modified).toISOString() } : {}),
        })),
        total: entries.length,
        ...(nextCursor ? { nextCursor } : {}),
      },
      lines.join('\n'),
    );
  };

  const pathArg = z.string().describe('Folder: absolute, or relative to the first allowed directory');
  const sortArg = z
    .enum(['name', 'size', 'modified'])
    .optional()
    .describe('Order: name (default), size (largest first) or modified (newest first)');

  const listDirectory = defineTool({
    name: 'list_directory',
    title: 'List Directory',
    description:
      'The entries of one folder, marked [DIR], [FILE] or [LINK], optionally with sizes. Paginated: ' +
      `${limits.maxEntries} entries a page; a further page needs the cursor the previous one gave.`,
    input: z.object({
      path: pathArg,
      sizes: z.boolean().optional().describe('Show file sizes and totals (default false)'),
      sortBy: sortArg,
      cursor: z.string().optional().describe('From the previous page, to get the next one'),
    }),
    output: listOutput,
    annotations: READ_ONLY,
    handler: (input, ctx) => list(input, ctx, 'list_directory'),
  });

  const listDirectoryWithSizes = defineTool({
    name: 'list_directory_with_sizes',
    title: 'List Directory with Sizes',
    description: `Same as list_directory with sizes: true (kept for clients of the reference server). ${limits.maxEntries} entries a page.`,
    input: z.object({
      path: pathArg,
      sortBy: sortArg,
      cursor: z.string().optional().describe('From the previous page, to get the next one'),
    }),
    output: listOutput,
    annotations: READ_ONLY,
    handler: (input, ctx) => list({ ...input, sizes: true }, ctx, 'list_directory_with_sizes'),
  });

  const directoryTree = defineTool({
    name: 'directory_tree',
    title: 'Directory Tree',
    description:
      'A recursive view of a folder: compact indented text, plus the same tree as structured JSON ' +
      `(name, type, children). Capped at ${limits.maxTreeEntries} entries, filled level by level so the top of ` +
      'a big tree is always complete; folders not shown in full are marked. Narrow with maxDepth and exclude.',
    input: z.object({
      path: pathArg,
      maxDepth: z
        .number()
        .int()
        .min(1)
        .max(HARD_MAX_DEPTH)
        .optional()
        .describe('Levels to show (default: all)'),
      exclude: globList(
        'Globs to leave out: a name (node_modules, *.log) matches at any depth; a path (src/gen/**) from this folder',
      ),
      excludePatterns: globList('Same as exclude (the reference server name)'),
    }),
    output: z.object({ tree: z.array(treeNode), entries: z.number(), truncated: z.boolean() }),
    annotations: READ_ONLY,
    handler: async ({ path: input, maxDepth, exclude, excludePatterns }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.existing(input);
      const excluded = compileGlobs([...(exclude ?? []), ...(excludePatterns ?? [])]);
      const cap = limits.maxTreeEntries;
      const depthLimit = Math.min(maxDepth ?? HARD_MAX_DEPTH, HARD_MAX_DEPTH);
      const report = progressReporter(ctx, 'entries');
      // Iterative deepening: one more level per pass until the cap, so a cut falls on the
      // deepest level shown and every folder above it is complete.
      let fitted: Pass | undefined;
      let overflow: Pass | undefined;
      for (let depth = 1; depth <= depthLimit; depth++) {
        const pass = await treePass(
          await openFolder(sandbox, resolved),
          depth,
          cap,
          excluded,
          ctx.signal,
          report,
        );
        if (pass.overflow) {
          overflow = pass;
          break;
        }
        fitted = pass;
        if (!pass.entries.some((e) => e.kind === 'dir' && e.depth === depth)) break;
      }
      const { tree, count } = assemble(fitted, overflow, cap);
      const truncated = overflow !== undefined;
      const lines: string[] = [];
      render(tree, '', lines);
      if (count === 0) lines.push('(empty directory)');
      if (truncated) {
        lines.push(
          '',
          `[${count} entries shown, the ${cap}-entry limit; folders marked … were not expanded or not shown in full. Call directory_tree on a subfolder, lower maxDepth, or add exclude patterns.]`,
        );
      }
      return structured({ tree, entries: count, truncated }, lines.join('\n'));
    },
  });

  return [listDirectory, listDirectoryWithSizes, directoryTree];
}

async function openFolder(sandbox: Sandbox, resolved: Resolved): Promise<DirHandle> {
  const stat = aboutSync(resolved.input, () => fs.statSync(resolved.real));
  if (!stat.isDirectory())
    throw new PathError(resolved.input, 'not a directory (use read_text_file or get_file_info)');
  return sandbox.openDir(resolved);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function kindOfDirent(d: fs.Dirent): EntryKind {
  return d.isFile() ? 'file' : d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : 'other';
}

function statEntry(dir: DirHandle, name: string): { size?: number; modified?: number } {
  try {
    const stat = fs.lstatSync(dir.child(name));
    // A multiply-linked file may be one outside: its name is listed, its metadata is not.
    if (!dir.sandbox.linkAllowed(stat)) return {};
    return { size: stat.isFile() ? stat.size : undefined, modified: stat.mtimeMs };
  } catch {
    return {};
  }
}

interface PassEntry {
  rel: string;
  name: string;
  kind: EntryKind;
  depth: number;
}

interface Pass {
  /** Entries down to the pass's depth, in walk order. */
  entries: PassEntry[];
  /** Folders whose whole listing the pass walked. */
  finished: Set<string>;
  /** The pass met more than `cap` entries and stopped. */
  overflow: boolean;
}

async function treePass(
  base: DirHandle,
  depth: number,
  cap: number,
  excluded: ReturnType<typeof compileGlobs>,
  signal: AbortSignal,
  report: (n: number) => void,
): Promise<Pass> {
  const pass: Pass = { entries: [], finished: new Set(), overflow: false };
  let bytes = 0;
  try {
    await walk(
      base,
      (entry) => {
        if (excluded?.matches(entry.rel, entry.name, entry.kind === 'dir')) return 'prune';
        if (pass.entries.length >= cap || bytes > PAGE_BYTES) {
          pass.overflow = true;
          return 'stop';
        }
        pass.entries.push({ rel: entry.rel, name: entry.name, kind: entry.kind, depth: entry.depth });
        bytes += entryBytes(entry);
        return undefined;
      },
      {
        maxDepth: depth,
        signal,
        tick: () => report(pass.entries.length),
        leave: (rel) => pass.finished.add(rel),
      },
    );
  } finally {
    base.close();
  }
  return pass;
}

/** What an entry costs in the rendered tree (its indent, name and line break). */
const entryBytes = (entry: { name: string; depth: number }) =>
  Buffer.byteLength(entry.name) + 2 * entry.depth + 2;

const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

/**
 * The tree to show: the deepest pass that fit, plus as much of the next level as the cap
 * allows (in walk order). A folder is marked truncated when its entries are not all shown.
 */
function assemble(fitted: Pass | undefined, overflow: Pass | undefined, cap: number) {
  const shown = [...(fitted?.entries ?? [])];
  const fittedDepth = shown.reduce((max, e) => Math.max(max, e.depth), 0);
  if (overflow) {
    let bytes = shown.reduce((sum, e) => sum + entryBytes(e), 0);
    for (const entry of overflow.entries) {
      if (shown.length >= cap || bytes > PAGE_BYTES) break;
      if (entry.depth !== fittedDepth + 1) continue;
      shown.push(entry);
      bytes += entryBytes(entry);
    }
  }
  const deepest = shown.reduce((max, e) => Math.max(max, e.depth), 0);
  const shownChildren = new Map<string, number>();
  for (const entry of shown)
    shownChildren.set(parentOf(entry.rel), (shownChildren.get(parentOf(entry.rel)) ?? 0) + 1);
  const metChildren = new Map<string, number>();
  for (const entry of overflow?.entries ?? []) {
    metChildren.set(parentOf(entry.rel), (metChildren.get(parentOf(entry.rel)) ?? 0) + 1);
  }
  const byRel = new Map<string, TreeNode>();
  const tree: TreeNode[] = [];
  for (const entry of shown) {
    const node: TreeNode = { name: entry.name, type: TYPE_NAME[entry.kind] };
    if (entry.kind === 'dir') {
      node.children = [];
      const expanded = entry.depth < deepest;
      const whole =
        !overflow ||
        entry.depth < fittedDepth ||
        (overflow.finished.has(entry.rel) &&
          (shownChildren.get(entry.rel) ?? 0) === (metChildren.get(entry.rel) ?? 0));
      if (!expanded || !whole) node.truncated = true;
    }
    byRel.set(entry.rel, node);
    const parent = parentOf(entry.rel);
    if (parent === '') tree.push(node);
    else byRel.get(parent)?.children?.push(node);
  }
  return { tree, count: shown.length };
}

function render(nodes: readonly TreeNode[], indent: string, lines: string[]): void {
  for (const node of nodes) {
    const suffix = node.type === 'directory' ? '/' : node.type === 'symlink' ? '@' : '';
    lines.push(`${indent}${node.name}${suffix}${node.truncated ? ' …' : ''}`);
    if (node.children?.length) render(node.children, `${indent}  `, lines);
  }
}
