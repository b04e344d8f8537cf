import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  decodeCursor,
  defineResourceTemplate,
  encodeCursor,
  type ResourceTemplateDefinition,
  ToolError,
} from '@mcpkit/core';
import { isTextMime, mimeTypeOf } from '../fs/mime.js';
import { continuationNote, readText, sniff } from '../fs/read-text.js';
import { isUtf16, looksBinary } from '../fs/text.js';
import { walk } from '../fs/walk.js';
import { aboutSync } from '../sandbox/errors.js';
import { type FsContext, formatSize, shownAbsolute } from '../tools/context.js';

type ReadResult = Awaited<ReturnType<ResourceTemplateDefinition['read']>>;

/** The file:// URI a caller would use for a path under a root (the root as configured). */
export function fileUri(rootShown: string, rel: string): string {
  return pathToFileURL(rel ? path.join(rootShown, ...rel.split('/')) : rootShown).href;
}

/**
 * Every file under the roots as a `file://` resource: a template for reading any of them,
 * and a paginated list (files only, in walk order). Text comes back bounded like
 * read_text_file; binary files as a base64 blob, up to the media limit; a folder as a listing.
 */
export function fileResources(fsx: FsContext): ResourceTemplateDefinition {
  const { limits } = fsx;
  return defineResourceTemplate({
    name: 'file',
    title: 'Files under the allowed directories',
    description:
      'Any file or folder under the allowed directories, by file:// URI. Subscribe to one to be told when it changes.',
    uriTemplate: 'file://{+path}',
    async list(ctx, cursor) {
      const sandbox = await fsx.sandboxFor(ctx);
      const key = 'resources';
      const start = cursor ? decodeCursor<{ r: number; a: string[] }>(cursor, key) : { r: 0, a: [] };
      if (!Array.isArray(start.a) || !start.a.every((part) => typeof part === 'string'))
        throw new ToolError('Invalid cursor: pass back the nextCursor unchanged');
      const resources: { uri: string; name: string; mimeType: string }[] = [];
      for (let index = Number(start.r) || 0; index < sandbox.roots.length; index++) {
        const root = sandbox.roots[index]!;
        const dir = await sandbox.openDir({
          input: root.shown,
          real: root.real,
          exists: true,
          missing: [],
          root,
        });
        let last: string | undefined;
        let full = false;
        try {
          await walk(
            dir,
            (entry) => {
              if (entry.kind !== 'file') return undefined;
              if (resources.length >= limits.maxResourcePage) {
                full = true;
                return 'stop';
              }
              resources.push({
                uri: fileUri(root.shown, entry.rel),
                name: entry.rel,
                mimeType: mimeTypeOf(entry.name),
              });
              last = entry.rel;
              return undefined;
            },
            { after: index === start.r ? start.a : undefined, signal: ctx.signal },
          );
        } finally {
          dir.close();
        }
        if (full) {
          // Resume in this root after the last file listed from it (or from its start).
          const after = last === undefined ? [] : (last as string).split('/');
          return { resources, nextCursor: encodeCursor({ r: index, a: after }, key) };
        }
      }
      return { resources };
    },
    async read(uri, _variables, ctx): Promise<ReadResult> {
      const sandbox = await fsx.sandboxFor(ctx);
      const resolved = await sandbox.existing(uri.href);
      const href = uri.href;
      if (aboutSync(uri.href, () => fs.statSync(resolved.real)).isDirectory()) {
        const dir = await sandbox.openDir(resolved);
        let names: string[];
        try {
          names = dir
            .list()
            .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
            .sort();
        } finally {
          dir.close();
        }
        const shown = names.slice(0, limits.maxEntries);
        const more =
          names.length > shown.length ? `\n[${names.length - shown.length} more; use list_directory]` : '';
        return { contents: [{ uri: href, mimeType: 'text/directory', text: shown.join('\n') + more }] };
      }
      const { handle, stat } = await sandbox.openRead(resolved);
      let binary: boolean;
      let head: Buffer;
      try {
        head = await sniff(handle, Number(stat.size));
        binary = looksBinary(head) && !isUtf16(head);
        if (binary) {
          const size = Number(stat.size);
          if (size > limits.maxMediaBytes) {
            throw new ToolError(
              `${href}: ${formatSize(size)}, over the ${formatSize(limits.maxMediaBytes)} limit for binary resources`,
            );
          }
          const bytes = Buffer.allocUnsafe(size);
          const { bytesRead } = await handle.read(bytes, 0, size, 0);
          return {
            contents: [
              {
                uri: href,
                mimeType: mimeTypeOf(resolved.real, head),
                blob: bytes.subarray(0, bytesRead).toString('base64'),
              },
            ],
          };
        }
      } finally {
        await handle.close();
      }
      const read = await readText(
        sandbox,
        resolved,
        { mode: 'lines', offset: 1, limit: Number.MAX_SAFE_INTEGER, maxBytes: limits.maxReadBytes },
        ctx.signal,
      );
      const note = continuationNote(read, limits.maxReadBytes);
      const mimeType = mimeTypeOf(resolved.real, head);
      return {
        contents: [
          {
            uri: href,
            mimeType: isTextMime(mimeType) ? mimeType : 'text/plain',
            text: note
              ? `${read.window.text}\n${note.replace('call read_text_file', `call read_text_file on ${shownAbsolute(resolved)}`)}`
              : read.window.text,
          },
        ],
      };
    },
  });
}
