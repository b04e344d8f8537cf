import fs from 'node:fs';
import path from 'node:path';
import {
  decodeCursor,
  defineTool,
  encodeCursor,
  requestKey,
  structured,
  type ToolDefinition,
  ToolError,
} from '@mcpkit/core';
import * as z from 'zod';
import {
  type ContentQuery,
  compileQuery,
  countNewlines,
  type Finder,
  InvalidQuery,
  type LineHit,
  searchBuffer,
} from '../fs/content-search.js';
import { BINARY, EMPTY, FAILED, HARDLINKED, OPEN_FAILED, SEARCHED } from '../fs/file-scan.js';
import { GitignoreStack, readSmall } from '../fs/gitignore.js';
import { compileGlobs, globList } from '../fs/globs.js';
import { ParallelScan, searchParallelism } from '../fs/search-pool.js';
import { looksBinary, SNIFF_BYTES } from '../fs/text.js';
import { HARD_MAX_DEPTH, walk } from '../fs/walk.js';
import { aboutSync } from '../sandbox/errors.js';
import type { DirHandle, Resolved, Sandbox } from '../sandbox/sandbox.js';
import { type FsContext, joinShown, PAGE_BYTES, progressReporter, READ_ONLY } from './context.js';

/** Files are searched whole up to this size, and in line-aligned windows of it beyond. */
const WINDOW_BYTES = 8 * 1024 * 1024;
const MAX_LINE_CHARS = 300;

export function searchTools(fsx: FsContext): ToolDefinition[] {
  const { limits } = fsx;

  const searchFiles = defineTool({
    name: 'search_files',
    title: 'Search Files',
    description:
      'Find files and folders by name with a glob, recursively. A pattern without "/" matches names at any ' +
      'depth (*.ts, README*, like find -name); one with "/" matches the path from the search folder ' +
      `(src/**/*.test.ts). Symbolic links are listed, not followed. ${limits.maxSearchResults} results a page; ` +
      'further pages need the cursor the previous one gave. Reports progress and stops when cancelled.',
    input: z.object({
      path: z.string().describe('Folder to search: absolute, or relative to the first allowed directory'),
      pattern: z.string().min(1).max(1024).describe('Glob, e.g. *.md or src/**/index.ts'),
      exclude: globList(
        'Globs to skip (a matching folder is not entered), e.g. node_modules, dist, *.min.js',
      ),
      excludePatterns: globList('Same as exclude (the reference server name)'),
      cursor: z.string().optional().describe('From the previous page, to get the next one'),
    }),
    output: z.object({
      matches: z.array(z.string()),
      nextCursor: z.string().optional().describe('Pass as cursor to get the next page'),
    }),
    annotations: READ_ONLY,
    handler: async ({ path: input, pattern, exclude, excludePatterns, cursor }, ctx) => {
      const excludes = [...(exclude ?? []), ...(excludePatterns ?? [])];
      const key = requestKey('search_files', input, pattern, excludes);
      const after = cursor ? decodeCursor<{ a: string[] }>(cursor, key).a : undefined;
      if (after && (!Array.isArray(after) || !after.every((p) => typeof p === 'string')))
        throw new ToolError('Invalid cursor: pass back the cursor from the previous page unchanged');
      const matcher = compileGlobs([pattern])!;
      const excluded = compileGlobs(excludes);
      const sandbox = await fsx.sandboxFor(ctx);
      const base = await openSearchBase(sandbox, await sandbox.existing(input));
      const matches: string[] = [];
      let last: string | undefined;
      let visited = 0;
      const report = progressReporter(ctx, 'entries examined');
      let more = false;
      let pageBytes = 0;
      try {
        await walk(
          base,
          (entry) => {
            visited++;
            const isDir = entry.kind === 'dir';
            if (excluded?.matches(entry.rel, entry.name, isDir)) return 'prune';
            if (matcher.matches(entry.rel, entry.name, isDir)) {
              if (matches.length >= limits.maxSearchResults || pageBytes > PAGE_BYTES) {
                more = true;
                return 'stop';
              }
              const shown = joinShown(input, entry.rel) + (isDir ? '/' : '');
              matches.push(shown);
              pageBytes += Buffer.byteLength(shown) + 1;
              last = entry.rel;
            }
            return undefined;
          },
          { after, signal: ctx.signal, tick: () => report(visited) },
        );
      } finally {
        base.close();
      }
      const nextCursor = more && last !== undefined ? encodeCursor({ a: last.split('/') }, key) : undefined;
      const lines = matches.length ? [...matches] : [cursor ? 'No more matches.' : 'No matches found.'];
      if (nextCursor) {
        lines.push(
          '',
          `[${matches.length} matches shown; more follow: call search_files with cursor="${nextCursor}"]`,
        );
      }
      return structured({ matches, ...(nextCursor ? { nextCursor } : {}) }, lines.join('\n'));
    },
  });

  const hitSchema = z.object({
    path: z.string(),
    line: z.number(),
    text: z.string(),
    before: z.array(z.string()).optional(),
    after: z.array(z.string()).optional(),
  });

  const searchFileContents = defineTool({
    name: 'search_file_contents',
    title: 'Search File Contents',
    description:
      'Search inside files for text (like grep -rn), returning path:line: matching lines. Literal by default; ' +
      'regex uses RE2 syntax (no backreferences or lookaround; linear time). Case: smart by default ' +
      '(case-sensitive only if the query has an upper-case letter). Skips binary files; honours .gitignore ' +
      '(and skips .git) unless respectGitignore is false. Symbolic links are not followed. Stops at maxResults ' +
      `matching lines (default and most ${limits.maxContentResults}). Reports progress and stops when cancelled.`,
    input: z.object({
      path: z
        .string()
        .describe('Folder (or single file) to search: absolute, or relative to the first allowed directory'),
      query: z
        .string()
        .min(1)
        .max(10_000)
        .describe('Text to find, or an RE2 regular expression with regex: true'),
      regex: z.boolean().optional().describe('Treat query as a regular expression (default false)'),
      caseSensitive: z.boolean().optional().describe('Default: smart case'),
      include: globList('Only files matching these globs, e.g. *.ts or src/**'),
      exclude: globList('Skip files and folders matching these globs'),
      contextLines: z
        .number()
        .int()
        .min(0)
        .max(10)
        .optional()
        .describe('Lines of context before and after (default 0)'),
      maxResults: z
        .number()
        .int()
        .min(1)
        .max(limits.maxContentResults)
        .optional()
        .describe(`Most matching lines to return (default ${limits.maxContentResults})`),
      respectGitignore: z.boolean().optional().describe('Skip what .gitignore files exclude (default true)'),
    }),
    output: z.object({
      matches: z.array(hitSchema),
      filesSearched: z.number(),
      filesMatched: z.number(),
      truncated: z.boolean().describe('The search stopped at maxResults; there may be more matches'),
      skipped: z.object({
        binary: z.number(),
        unreadable: z.number(),
        hardlinked: z.number(),
      }),
    }),
    annotations: READ_ONLY,
    // A search over a large tree can take long: 2026-07-28 clients with task support get a task.
    taskSupport: 'optional',
    handler: async (input, ctx) => {
      const maxResults = input.maxResults ?? limits.maxContentResults;
      const query: ContentQuery = {
        query: input.query,
        regex: input.regex === true,
        caseSensitive: input.caseSensitive,
      };
      const { find } = await compileQuery(query).catch((error) => {
        throw error instanceof InvalidQuery ? new ToolError(error.message) : error;
      });
      const include = compileGlobs(input.include);
      const exclude = compileGlobs(input.exclude);
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.existing(input.path);
      const searcher = new ContentSearcher(find, input.contextLines ?? 0, maxResults);
      const stat = aboutSync(input.path, () => fs.statSync(resolved.real));
      if (!stat.isDirectory()) {
        sandbox.refuseLinked(input.path, stat);
        const { dir, name } = await sandbox.openParent(resolved);
        try {
          await searcher.searchFile(dir, name, () => input.path, ctx.signal);
        } finally {
          dir.close();
        }
      } else {
        const ignores =
          input.respectGitignore === false ? undefined : await gitignoresAbove(sandbox, resolved);
        const base = await openSearchBase(sandbox, resolved);
        const report = progressReporter(ctx, 'files searched');
        // A large tree is searched on two threads (see ParallelScan); a small one never starts it.
        // Only where folders are held as descriptors (/proc/self/fd): the worker opens through them.
        let parallel: ParallelScan | undefined;
        let canGoParallel = sandbox.procFd && searchParallelism.enabled;
        let seen = 0;
        const started = performance.now();
        const goParallel = () => {
          canGoParallel = false;
          parallel = ParallelScan.start(
            query,
            find,
            {
              contextLines: input.contextLines ?? 0,
              maxResults,
              maxLineChars: MAX_LINE_CHARS,
              windowBytes: WINDOW_BYTES,
              pageBytes: PAGE_BYTES,
              allowHardlinks: sandbox.options.allowHardlinks === true,
            },
            (code, windows, rel) => searcher.takeOutcome(code, windows, () => joinShown(input.path, rel)),
          );
        };
        try {
          await walk(
            base,
            (entry) => {
              const isDir = entry.kind === 'dir';
              if (ignores?.ignored(entry.rel, entry.name, isDir)) return 'prune';
              if (exclude?.matches(entry.rel, entry.name, isDir)) return 'prune';
              if (entry.kind !== 'file') return undefined;
              if (include && !include.matches(entry.rel, entry.name, false)) return undefined;
              const rel = entry.rel; // the shown path is built only for a file that matches
              if (
                canGoParallel &&
                (++seen >= searchParallelism.afterFiles ||
                  ((seen & 63) === 0 && performance.now() - started > searchParallelism.afterMs))
              )
                goParallel();
              if (parallel) return parallel.add(entry.parent, entry.name, rel) ? undefined : 'stop';
              const goOn = searcher.searchFile(
                entry.parent,
                entry.name,
                () => joinShown(input.path, rel),
                ctx.signal,
              );
              if (typeof goOn === 'boolean') return goOn ? undefined : 'stop';
              return goOn.then((more) => (more ? undefined : 'stop'));
            },
            {
              signal: ctx.signal,
              tick: () => report(searcher.filesSearched),
              maxDepth: HARD_MAX_DEPTH,
              enter: ignores
                ? (dir, rel, entries) =>
                    ignores.enter(
                      dir,
                      rel,
                      entries.some((e) => e.name === '.gitignore'),
                    )
                : undefined,
              leave: ignores ? (rel) => ignores.leave(rel) : undefined,
            },
          );
          await parallel?.finish();
        } catch (error) {
          // Cancelled (or failed): the worker drops what it has; every folder it names is released.
          await parallel?.finish(true);
          throw error;
        } finally {
          base.close();
        }
      }
      return searcher.result();
    },
  });

  return [searchFiles, searchFileContents];
}

async function openSearchBase(sandbox: Sandbox, resolved: Resolved): Promise<DirHandle> {
  const stat = aboutSync(resolved.input, () => fs.statSync(resolved.real));
  if (!stat.isDirectory()) {
    throw new ToolError(`${resolved.input}: not a directory; give the folder to search in`);
  }
  return sandbox.openDir(resolved);
}

/** .gitignore files between the search folder's root and the folder itself (not above the root). */
async function gitignoresAbove(sandbox: Sandbox, resolved: Resolved): Promise<GitignoreStack> {
  const stack = await GitignoreStack.create();
  const rel = sandbox.relative(resolved.real, resolved.root);
  const parts = rel ? rel.split('/') : [];
  for (let i = 0; i < parts.length; i++) {
    const folder = path.join(resolved.root.real, ...parts.slice(0, i));
    const dir = await sandbox
      .openDir({ ...resolved, real: folder, exists: true, missing: [] })
      .catch(() => undefined);
    if (!dir) continue;
    try {
      const text = readSmall(dir, '.gitignore');
      if (text !== undefined) stack.addAbove(text, parts.slice(i).join('/'));
    } finally {
      dir.close();
    }
  }
  return stack;
}

/** Searches file after file with one reusable buffer, collecting hits up to the cap. */
class ContentSearcher {
  filesSearched = 0;
  private filesMatched = 0;
  private readonly hits: (LineHit & { path: string })[] = [];
  private readonly skipped = { binary: 0, unreadable: 0, hardlinked: 0 };
  private truncated = false;
  private bytes = 0;
  private buffer = Buffer.allocUnsafe(256 * 1024);

  constructor(
    private readonly find: Finder,
    private readonly contextLines: number,
    private readonly maxResults: number,
  ) {}

  /**
   * Searches one file; false when the cap is reached and the search should stop. Files that
   * fit one window are searched synchronously (the common, fast case); a larger file is read
   * window by window, yielding between windows, so it can be cancelled part way.
   */
  searchFile(
    dir: DirHandle,
    name: string,
    shown: () => string,
    signal?: AbortSignal,
  ): boolean | Promise<boolean> {
    const fd = dir.openFileFd(name);
    if (fd === undefined) {
      this.skipped.unreadable++;
      return true;
    }
    let handedOff = false;
    try {
      this.filesSearched++;
      // Most files fit the first read; only a longer one costs an fstat for its size.
      let read = fs.readSync(fd, this.buffer, 0, this.buffer.length, 0);
      if (read === 0) return true;
      if (looksBinary(this.buffer.subarray(0, Math.min(read, SNIFF_BYTES)))) {
        this.skipped.binary++;
        return true;
      }
      if (read === this.buffer.length) {
        const size = fs.fstatSync(fd).size;
        if (size > WINDOW_BYTES) {
          handedOff = true;
          return this.searchWindows(dir, fd, size, shown, signal);
        }
        if (size > read) {
          const grown = Buffer.allocUnsafe(size);
          this.buffer.copy(grown, 0, 0, read);
          this.buffer = grown;
          read += fs.readSync(fd, this.buffer, read, size - read, read);
        }
      }
      const found = this.take(dir, fd, shown, this.buffer, read, 1);
      if (found > 0) this.filesMatched++;
      return !this.truncated;
    } catch {
      this.skipped.unreadable++;
      return true;
    } finally {
      if (!handedOff) fs.closeSync(fd);
    }
  }

  private async searchWindows(
    dir: DirHandle,
    fd: number,
    size: number,
    shown: () => string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const window = Buffer.allocUnsafe(WINDOW_BYTES);
    try {
      let position = 0;
      let firstLine = 1;
      let found = 0;
      while (position < size && !this.truncated) {
        signal?.throwIfAborted();
        const read = fs.readSync(fd, window, 0, Math.min(WINDOW_BYTES, size - position), position);
        if (read === 0) break;
        let end = read;
        if (position + read < size) {
          // Keep whole lines in the window; the partial last line starts the next one.
          const lastNewline = window.lastIndexOf(0x0a, read - 1);
          if (lastNewline > 0) end = lastNewline + 1;
        }
        const taken = this.take(dir, fd, shown, window, end, firstLine);
        if (taken < 0) return true;
        found += taken;
        firstLine += countNewlines(window, 0, end);
        position += end;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (found) this.filesMatched++;
      return !this.truncated;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.skipped.unreadable++;
      return true;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Searches one window and records its hits: their count, or -1 if the file is refused. */
  private take(
    dir: DirHandle,
    fd: number,
    shown: () => string,
    bytes: Buffer,
    end: number,
    firstLine: number,
  ): number {
    const hits = searchBuffer(bytes, end, this.find, {
      contextLines: this.contextLines,
      maxHits: this.maxResults - this.hits.length,
      maxLineChars: MAX_LINE_CHARS,
      firstLine,
    });
    if (hits.length && !dir.sandbox.linkAllowed(fs.fstatSync(fd))) {
      // Its content may be a file outside the roots: say nothing of what it holds.
      this.skipped.hardlinked++;
      return -1;
    }
    return this.record(hits, shown);
  }

  /** Adds one window's hits (as many as the cap leaves room for); their count. */
  private record(found: LineHit[], shown: () => string): number {
    const hits =
      found.length > this.maxResults - this.hits.length
        ? found.slice(0, this.maxResults - this.hits.length)
        : found;
    const path = hits.length ? shown() : '';
    for (const hit of hits) {
      this.hits.push({ path, ...hit });
      this.bytes += path.length + hit.text.length + 16;
      for (const line of [...(hit.before ?? []), ...(hit.after ?? [])])
        this.bytes += path.length + line.length + 16;
    }
    if (this.hits.length >= this.maxResults || this.bytes > PAGE_BYTES) this.truncated = true;
    return hits.length;
  }

  /**
   * Takes the outcome of a file another thread (or a batch) searched, in walk order, exactly as
   * searchFile would have counted it; false when the cap is reached and the search should stop.
   */
  takeOutcome(code: number, windows: LineHit[][] | undefined, shown: () => string): boolean {
    if (code === OPEN_FAILED) {
      this.skipped.unreadable++;
      return true;
    }
    this.filesSearched++;
    if (code === BINARY) this.skipped.binary++;
    else if (code === HARDLINKED) this.skipped.hardlinked++;
    else if (code === SEARCHED || code === FAILED) {
      let found = 0;
      for (const hits of windows ?? []) {
        if (this.truncated) break;
        found += this.record(hits, shown);
      }
      if (code === FAILED) this.skipped.unreadable++;
      else if (found > 0) this.filesMatched++;
    } else if (code !== EMPTY) this.skipped.unreadable++;
    return !this.truncated;
  }

  result() {
    const lines: string[] = [];
    let previous: { path: string; line: number } | undefined;
    for (const hit of this.hits) {
      const startLine = hit.line - (hit.before?.length ?? 0);
      if (
        this.contextLines > 0 &&
        previous &&
        (previous.path !== hit.path || startLine > previous.line + 1)
      ) {
        lines.push('--');
      }
      hit.before?.forEach((text, i) => {
        const line = hit.line - hit.before!.length + i;
        if (!previous || previous.path !== hit.path || line > previous.line)
          lines.push(`${hit.path}-${line}-${text}`);
      });
      lines.push(`${hit.path}:${hit.line}:${hit.text}`);
      let last = hit.line;
      hit.after?.forEach((text, i) => {
        lines.push(`${hit.path}-${hit.line + i + 1}-${text}`);
        last = hit.line + i + 1;
      });
      previous = { path: hit.path, line: last };
    }
    if (this.hits.length === 0) lines.push('No matches found.');
    const skipped = Object.entries(this.skipped)
      .filter(([, n]) => n > 0)
      .map(([what, n]) => `${n} ${what}`);
    const summary = `[${this.hits.length} matching line${this.hits.length === 1 ? '' : 's'} in ${this.filesMatched} file${this.filesMatched === 1 ? '' : 's'}; ${this.filesSearched} files searched${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}${this.truncated ? '. Stopped at the result limit: there may be more; narrow the path, the query or include' : ''}]`;
    lines.push('', summary);
    return structured(
      {
        matches: this.hits,
        filesSearched: this.filesSearched,
        filesMatched: this.filesMatched,
        truncated: this.truncated,
        skipped: this.skipped,
      },
      lines.join('\n'),
    );
  }
}
