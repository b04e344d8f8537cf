import fs from 'node:fs';
import path from 'node:path';
import { defineTool, type ToolDefinition, ToolError } from '@mcpkit/core';
import * as z from 'zod';
import { atomicWrite } from '../fs/atomic-write.js';
import { applyEdits } from '../fs/edit.js';
import {
  canEncode,
  decodeText,
  encodeText,
  lineEnding,
  looksBinary,
  toCrlf,
  toLf,
  utf8Prefix,
} from '../fs/text.js';
import { about, aboutSync, errorCode, HARDLINK_REFUSED, PathError, pathFailure } from '../sandbox/errors.js';
import type { DirHandle, Resolved, Sandbox } from '../sandbox/sandbox.js';
import { type FsContext, formatSize } from './context.js';

const pathArg = z.string().describe('Absolute, or relative to the first allowed directory');

export function writeTools(fsx: FsContext): ToolDefinition[] {
  const { limits } = fsx;

  const writeFile = defineTool({
    name: 'write_file',
    title: 'Write File',
    description:
      'Create a file, or replace one completely, with the given text (UTF-8). Atomic: readers and crashes see ' +
      'the old content or the new, never a mix. A replaced file keeps its permissions. The folder must exist ' +
      '(create_directory makes it). Use edit_file to change part of a file.',
    input: z.object({
      path: pathArg,
      content: z.string().describe('The complete new content'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ path: input, content }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.resolve(input);
      const outcome = await atomicWrite(sandbox, resolved, Buffer.from(content, 'utf8'));
      return {
        content: [
          {
            type: 'text',
            text: `${outcome.created ? 'Created' : 'Replaced'} ${input} (${formatSize(outcome.bytes)})`,
          },
        ],
      };
    },
  });

  const editFile = defineTool({
    name: 'edit_file',
    title: 'Edit File',
    description:
      'Replace text in a file and return a unified diff. Each oldText must match exactly one place (or use ' +
      'replaceAll); edits apply in order. If an oldText matches nowhere, lines are compared again ignoring ' +
      'whitespace differences, and the result says so. Line endings and encoding are kept. dryRun shows the diff ' +
      `without writing. Atomic. Files over ${formatSize(limits.maxEditBytes)} are refused.`,
    input: z.object({
      path: pathArg,
      edits: z
        .array(
          z.object({
            oldText: z.string().describe('Text to find; must match exactly one place unless replaceAll'),
            newText: z.string().describe('Text to put in its place'),
            replaceAll: z.boolean().optional().describe('Replace every match of oldText (default false)'),
          }),
        )
        .min(1)
        .max(100),
      dryRun: z.boolean().default(false).describe('Preview the diff without writing'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ path: input, edits, dryRun }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.existing(input);
      const { bytes, stat } = await readWhole(sandbox, resolved, limits.maxEditBytes);
      if (looksBinary(bytes)) throw new PathError(input, 'a binary file; edit_file changes text files only');
      const { text, encoding } = decodeText(bytes);
      const eol = lineEnding(text);
      const before = eol === 'crlf' ? toLf(text) : text;
      const result = applyEdits(before, edits, { normalizeEol: eol !== 'mixed' });
      const after = eol === 'crlf' ? toCrlf(result.text) : result.text;
      if (!canEncode(after, encoding))
        throw new PathError(
          input,
          'the file is not UTF-8 (it was read byte for byte as Latin-1), and the new text has characters it cannot hold',
        );
      // Drop the "Index:" and "====" lines: the ---/+++ header already names the file.
      const { createTwoFilesPatch } = await import('diff');
      const diff = createTwoFilesPatch(input, input, toLf(before), toLf(result.text), undefined, undefined, {
        context: 3,
      }).replace(/^Index: .*\n=+\n/, '');
      const lines = [fenced(diff, limits.maxReadBytes)];
      lines.push(...result.notes.map((note) => `Note: ${note}.`));
      if (after === text) lines.push('No change: the edits leave the file as it was.');
      else if (dryRun) lines.push('Dry run: nothing was written.');
      else {
        const now = aboutSync(input, () => fs.statSync(resolved.real, { bigint: true }));
        if (now.ino !== stat.ino || now.mtimeNs !== stat.mtimeNs || now.size !== stat.size)
          throw new PathError(input, 'changed on disk while being edited; nothing was written, retry');
        await atomicWrite(sandbox, resolved, encodeText(after, encoding));
        lines.push(
          `Applied ${result.replacements} replacement${result.replacements === 1 ? '' : 's'} to ${input}.`,
        );
      }
      return { content: [{ type: 'text', text: lines.join('\n') }] };
    },
  });

  const createDirectory = defineTool({
    name: 'create_directory',
    title: 'Create Directory',
    description: 'Create a folder, and any missing folders above it. Succeeds quietly if it already exists.',
    input: z.object({ path: pathArg }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async ({ path: input }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.resolve(input);
      if (resolved.exists) {
        const stat = await about(input, () => fs.promises.stat(resolved.real));
        if (!stat.isDirectory()) throw new PathError(input, 'exists and is not a directory');
        return { content: [{ type: 'text', text: `${input} already exists` }] };
      }
      await makeDirectories(sandbox, resolved);
      return { content: [{ type: 'text', text: `Created directory ${input}` }] };
    },
  });

  const moveFile = defineTool({
    name: 'move_file',
    title: 'Move File',
    description:
      'Move or rename a file or folder. Never replaces an existing destination unless overwrite is true ' +
      '(and never replaces a folder). A symbolic link is moved as a link.',
    input: z.object({
      source: pathArg,
      destination: pathArg,
      overwrite: z.boolean().default(false).describe('Replace an existing destination file (default false)'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async ({ source, destination, overwrite }, ctx) => {
      const sandbox = await fsx.sandboxFor(ctx);
      const from = await sandbox.existing(source, { follow: false });
      if (sandbox.roots.some((root) => root.real === from.real))
        throw new PathError(source, 'refused: an allowed directory itself cannot be moved');
      // A link is moved as a link, but only one that leads inside (or nowhere yet, inside).
      const kind = aboutSync(source, () => fs.lstatSync(from.real));
      if (kind.isSymbolicLink()) await sandbox.resolve(source);
      else refuseLinkedFile(sandbox, source, kind);
      const to = await sandbox.resolve(destination, { follow: false });
      if (to.missing.length > 1)
        throw new PathError(
          destination,
          'the destination folder does not exist (create it with create_directory)',
        );
      if (to.real === from.real) return { content: [{ type: 'text', text: `${source} is already there` }] };
      const src = await sandbox.openParent(from);
      const dst = await sandbox.openParent(to);
      try {
        const target = dst.dir.child(dst.name);
        const existing = lstatOrUndefined(target);
        if (existing && !overwrite)
          throw new PathError(destination, 'already exists (pass overwrite: true to replace it)');
        if (existing?.isDirectory())
          throw new PathError(destination, 'is a directory; it will not be replaced');
        try {
          move(src.dir, src.name, dst.dir, dst.name, kind, overwrite);
        } catch (error) {
          if (errorCode(error) === 'EEXIST')
            throw new PathError(destination, 'already exists (pass overwrite: true to replace it)');
          throw pathFailure(source, error);
        }
        dst.dir.syncSelf();
        src.dir.syncSelf();
      } finally {
        src.dir.close();
        dst.dir.close();
      }
      return { content: [{ type: 'text', text: `Moved ${source} to ${destination}` }] };
    },
  });

  return [writeFile, editFile, createDirectory, moveFile];
}

function refuseLinkedFile(sandbox: Sandbox, input: string, stat: fs.Stats): void {
  if (!sandbox.linkAllowed(stat)) throw new PathError(input, HARDLINK_REFUSED);
}

/** Reads a whole (bounded) regular file through the sandbox. */
async function readWhole(sandbox: Sandbox, resolved: Resolved, max: number) {
  const { handle, stat } = await sandbox.openRead(resolved);
  try {
    const size = Number(stat.size);
    if (size > max)
      throw new PathError(
        resolved.input,
        `${formatSize(size)}, over the ${formatSize(max)} edit limit (the server option --max-edit-bytes raises it)`,
      );
    const bytes = Buffer.allocUnsafe(size);
    const { bytesRead } = size ? await handle.read(bytes, 0, size, 0) : { bytesRead: 0 };
    return { bytes: bytes.subarray(0, bytesRead), stat };
  } finally {
    await handle.close();
  }
}

/** A diff in a code fence long enough that no run of backticks inside can close it; bounded. */
function fenced(diff: string, max: number): string {
  let body = diff;
  const bytes = Buffer.from(diff, 'utf8');
  if (bytes.length > max) {
    body = `${bytes.subarray(0, utf8Prefix(bytes, max)).toString('utf8')}\n[diff cut at ${formatSize(max)} of ${formatSize(bytes.length)}]\n`;
  }
  let fence = '```';
  while (body.includes(fence)) fence += '`';
  return `${fence}diff\n${body}${fence}`;
}

function lstatOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(target);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Renames within checked folders. Without overwrite a regular file moves by link-then-unlink,
 * which fails atomically if the destination appeared meanwhile; other kinds (and filesystems
 * without hard links) are checked, then renamed.
 */
function move(
  from: DirHandle,
  fromName: string,
  to: DirHandle,
  toName: string,
  kind: fs.Stats,
  overwrite: boolean,
) {
  const source = from.child(fromName);
  const target = to.child(toName);
  if (!overwrite && kind.isFile()) {
    try {
      fs.linkSync(source, target);
      fs.unlinkSync(source);
      return;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST' || code === 'EXDEV') throw error;
      // EPERM/ENOTSUP/...: no hard links here; fall back to check-then-rename
    }
  }
  if (!overwrite && lstatOrUndefined(target)) {
    throw Object.assign(new Error('destination exists'), { code: 'EEXIST' });
  }
  from.verify();
  to.verify();
  try {
    fs.renameSync(source, target);
  } catch (error) {
    if (errorCode(error) === 'EINVAL') throw new ToolError('A folder cannot be moved into itself');
    throw error;
  }
}

/** mkdir -p below the deepest existing folder, one checked level at a time. */
async function makeDirectories(sandbox: Sandbox, resolved: Resolved): Promise<void> {
  const existing = resolved.missing.reduce((at) => path.dirname(at), resolved.real);
  let dir = await sandbox.openDir({ ...resolved, real: existing, exists: true, missing: [] });
  try {
    for (const name of resolved.missing) {
      try {
        fs.mkdirSync(dir.child(name), { mode: 0o777 });
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw new PathError(resolved.input, describe(error));
      }
      const next = dir.openDir(name, resolved.input);
      if (!next) throw new PathError(resolved.input, 'a part of this path exists and is not a directory');
      dir.close();
      dir = next;
    }
  } finally {
    dir.close();
  }
}

function describe(error: unknown): string {
  const code = errorCode(error);
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'ENOSPC'
      ? 'no space left on device'
      : code === 'EROFS'
        ? 'read-only file system'
        : 'could not be created';
}
