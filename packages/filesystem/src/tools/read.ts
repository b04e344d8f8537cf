import { pathToFileURL } from 'node:url';
import { defineTool, describeError, type ToolDefinition, ToolError, type ToolResult } from '@mcpkit/core';
import * as z from 'zod';
import { mimeTypeOf } from '../fs/mime.js';
import { continuationNote, readText, sniff, type TextRead } from '../fs/read-text.js';
import { isUtf16, looksBinary, utf8Prefix } from '../fs/text.js';
import { PathError } from '../sandbox/errors.js';
import { type FsContext, formatSize, READ_ONLY, shownAbsolute } from './context.js';
import { withServedNames } from './served-names.js';

type ContentBlock = NonNullable<ToolResult['content']>[number];

const lineCount = z.number().int().min(1);

export function readTools(fs: FsContext): ToolDefinition[] {
  const { limits } = fs;

  const readInput = z.object({
    path: z.string().describe('File to read: absolute, or relative to the first allowed directory'),
    head: lineCount.optional().describe('Return only the first N lines'),
    tail: lineCount
      .optional()
      .describe('Return only the last N lines (read from the end; cost independent of file size)'),
    offset: lineCount
      .optional()
      .describe('First line to return (1-based); a partial read tells you the offset to continue from'),
    limit: lineCount.optional().describe(`Most lines to return (default ${limits.maxReadLines})`),
  });

  const readHandler = async (
    input: z.output<typeof readInput>,
    ctx: Parameters<ToolDefinition['handler']>[1],
  ) => {
    const { path, head, tail, offset, limit } = input;
    if (head !== undefined && tail !== undefined) throw new ToolError('Give head or tail, not both');
    if (tail !== undefined && (offset !== undefined || limit !== undefined))
      throw new ToolError('tail reads from the end; it cannot be combined with offset or limit');
    if (head !== undefined && limit !== undefined)
      throw new ToolError('head and limit mean the same; give one');
    const sandbox = await fs.sandboxFor(ctx);
    const resolved = await sandbox.existing(path);
    const request =
      tail !== undefined
        ? { mode: 'tail' as const, count: tail, maxBytes: limits.maxReadBytes }
        : {
            mode: 'lines' as const,
            offset: offset ?? 1,
            limit: head ?? limit ?? limits.maxReadLines,
            maxBytes: limits.maxReadBytes,
          };
    const read = await readText(sandbox, resolved, request, ctx.signal);
    return textResult(read, limits.maxReadBytes, ctx.servedName('read_text_file'));
  };

  const description =
    'Read a text file by lines. Bounded: by default the first ' +
    `${limits.maxReadLines} lines or ${formatSize(limits.maxReadBytes)}, whichever comes first; a partial read ends ` +
    'with a note giving the offset to continue from. head/tail/offset read only what they return, so a huge file ' +
    'answers as fast as a small one. Binary files are refused (use read_media_file).';

  const readTextFile = defineTool({
    name: 'read_text_file',
    title: 'Read Text File',
    description,
    input: readInput,
    annotations: READ_ONLY,
    handler: readHandler,
  });

  const readFile = defineTool({
    name: 'read_file',
    title: 'Read File (Deprecated)',
    description: `Same as read_text_file (kept for clients of the reference server). ${description}`,
    input: readInput,
    annotations: READ_ONLY,
    handler: readHandler,
  });

  const readMediaFile = defineTool({
    name: 'read_media_file',
    title: 'Read Media File',
    description:
      'Read an image or audio file as MCP image/audio content; any other file as an embedded blob resource ' +
      `(base64). Files over ${formatSize(limits.maxMediaBytes)} are refused.`,
    input: z.object({
      path: z.string().describe('File to read: absolute, or relative to the first allowed directory'),
    }),
    annotations: READ_ONLY,
    // Bounded by the media cap itself (base64 is 4/3 of it), not by the runtime's text limit:
    // half an image is no image.
    maxOutputBytes: Math.ceil((limits.maxMediaBytes * 4) / 3) + 64 * 1024,
    handler: async ({ path }, ctx) => {
      const sandbox = await fs.sandboxFor(ctx);
      const resolved = await sandbox.existing(path);
      const { handle, stat } = await sandbox.openRead(resolved);
      try {
        const size = Number(stat.size);
        if (size > limits.maxMediaBytes) {
          throw new PathError(
            path,
            `${formatSize(size)}, over the ${formatSize(limits.maxMediaBytes)} media limit (the server option --max-media-bytes raises it)`,
          );
        }
        const bytes = Buffer.allocUnsafe(size);
        const { bytesRead } = size ? await handle.read(bytes, 0, size, 0) : { bytesRead: 0 };
        const data = bytes.subarray(0, bytesRead);
        const mimeType = mimeTypeOf(resolved.real, data.subarray(0, 16));
        const base64 = data.toString('base64');
        const block: ContentBlock = mimeType.startsWith('image/')
          ? { type: 'image', data: base64, mimeType }
          : mimeType.startsWith('audio/')
            ? { type: 'audio', data: base64, mimeType }
            : {
                type: 'resource',
                resource: { uri: pathToFileURL(shownAbsolute(resolved)).href, mimeType, blob: base64 },
              };
        return { content: [block] };
      } finally {
        await handle.close();
      }
    },
  });

  const readMultipleFiles = defineTool({
    name: 'read_multiple_files',
    title: 'Read Multiple Files',
    description:
      'Read several text files in one call. A file that cannot be read gets its error inline; the others are ' +
      `still read. Bounded: ${formatSize(limits.maxTotalReadBytes)} in all, shared fairly (small files whole, ` +
      'large ones cut at a line with the offset to continue); ' +
      `at most ${limits.maxFiles} paths.`,
    input: z.object({
      paths: z
        .array(z.string())
        .min(1)
        .max(limits.maxFiles)
        .describe('Files to read: absolute, or relative to the first allowed directory'),
    }),
    annotations: READ_ONLY,
    handler: async ({ paths }, ctx) => {
      const sandbox = await fs.sandboxFor(ctx);
      const opened = await mapLimited(paths, 16, async (path) => {
        try {
          const resolved = await sandbox.existing(path);
          const file = await sandbox.openRead(resolved);
          const size = Number(file.stat.size);
          const head = await sniff(file.handle, size);
          if (looksBinary(head) || isUtf16(head)) {
            await file.handle.close();
            const what = isUtf16(head)
              ? 'a UTF-16 file (use read_text_file)'
              : 'a binary file (use read_media_file)';
            return { path, error: `Error: ${path}: ${what}` };
          }
          // A file the sniff read whole (most small files) is not read a second time.
          return { path, file, size, head: head.length === size ? head : undefined };
        } catch (error) {
          return { path, error: `Error: ${describeError(error)}` };
        }
      });
      // Water-filling: small files whole, the rest of the budget split evenly among larger ones.
      const readable = opened.filter((o) => o.file).sort((a, b) => a.size! - b.size!);
      const share = new Map<string | number, number>();
      let budget = limits.maxTotalReadBytes;
      readable.forEach((o, i) => {
        const give = Math.min(o.size!, Math.floor(budget / (readable.length - i)));
        share.set(opened.indexOf(o), give);
        budget -= give;
      });
      const parts = await mapLimited(opened, 16, async (o, index) => {
        if (!o.file) return o.error!;
        try {
          const allowed = share.get(index) ?? 0;
          let view: Buffer;
          if (o.head && allowed >= o.head.length) view = o.head;
          else {
            const bytes = Buffer.allocUnsafe(allowed);
            const { bytesRead } = allowed ? await o.file.handle.read(bytes, 0, allowed, 0) : { bytesRead: 0 };
            view = bytes.subarray(0, bytesRead);
          }
          const bytesRead = view.length;
          let note = '';
          if (bytesRead < o.size!) {
            const lastNewline = view.lastIndexOf(0x0a);
            view =
              lastNewline > 0
                ? view.subarray(0, lastNewline + 1)
                : view.subarray(0, utf8Prefix(view, view.length));
            let lines = 0;
            for (let at = view.indexOf(0x0a); at !== -1; at = view.indexOf(0x0a, at + 1)) lines++;
            note = `\n[Cut at ${formatSize(view.length)} of ${formatSize(o.size!)} to fit the ${formatSize(limits.maxTotalReadBytes)} total; read the rest with ${ctx.servedName('read_text_file')} offset=${lines + 1}]`;
          }
          let text = view.toString('utf8');
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          return `${o.path}:\n${text}${note}\n`;
        } catch (error) {
          return `Error: ${withServedNames(describeError(error), ctx)}`;
        } finally {
          // Not awaited: the answer need not wait for a read-only descriptor to close.
          o.file.handle.close().catch(() => {});
        }
      });
      return { content: [{ type: 'text', text: parts.join('\n---\n') }] };
    },
  });

  return [readTextFile, readFile, readMediaFile, readMultipleFiles];
}

/** The text and, after a partial read, the note naming the tool (as served) and offset for the rest. */
function textResult(read: TextRead, maxBytes: number, servedTool: string): ToolResult {
  const note = continuationNote(read, maxBytes, servedTool);
  const content: ContentBlock[] = [{ type: 'text', text: read.window.text }];
  if (note) content.push({ type: 'text', text: note });
  return { content };
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
