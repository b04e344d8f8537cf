import {
  annotations,
  defineTool,
  formatBytes,
  type HandlerContext,
  structured,
  windowNote,
} from '@mcpkit/core';
import * as z from 'zod';
import type { DriveFile } from '../api/drive-api.js';
import { exportFormatsOf, isGoogleType, MIME, planRead, READ_FORMATS, type ReadFormat } from '../api/mime.js';
import type { ReadResult } from '../api/read.js';
import { type DriveToolContext, drive, fileIdArg, fileLine, fileRow } from './context.js';

export const MAX_WINDOW = 64 * 1024;

/** The formats read_file can give for a file, from the exports Drive offers for it. */
export function readableAs(file: DriveFile): ReadFormat[] {
  return READ_FORMATS.filter((f) => {
    const plan = planRead(file, f);
    return plan.how !== 'none' && plan.format === f && !plan.note?.startsWith('Slides export');
  });
}

/** read_file's answer: the window's text, then one line saying what it is and how to get more. */
export function renderRead(r: ReadResult, ctx: HandlerContext) {
  const row = fileRow(r.file);
  if (r.kind === 'none') {
    const link = r.file.webViewLink ?? r.file.webContentLink;
    const text = [
      `${row.name} (${row.kind}) is not read as text: ${r.reason}.`,
      ...(r.file.mimeType === MIME.folder ? [`List it with ${ctx.servedName('list_folder')}.`] : []),
      fileLine(row),
      ...(r.exportFormats.length ? [`Drive exports it as: ${r.exportFormats.join(', ')}.`] : []),
      ...(link ? [`Open or download it at ${link}`] : []),
    ].join('\n');
    return structured(
      { file: row, readable: false, reason: r.reason, export_formats: r.exportFormats },
      text,
    );
  }
  const note = windowNote(
    { text: r.text, offset: r.offset, totalBytes: r.totalBytes, nextOffset: r.nextOffset },
    `call ${ctx.servedName('read_file')} again with file_id="${row.id}"${r.format ? ` format="${r.format}"` : ''} offset=`,
  );
  const end = r.offset + Buffer.byteLength(r.text);
  const footer = [
    `[${row.name} · ${r.format}${r.source === 'export' ? ' (exported by Drive)' : ''} · bytes ${r.offset}-${end} of ` +
      `${formatBytes(r.totalBytes)}]`,
    ...(r.note ? [`[${r.note}]`] : []),
    ...(note ? [note] : []),
  ].join('\n');
  return {
    content: [
      { type: 'text' as const, text: r.text },
      { type: 'text' as const, text: footer },
    ],
    structuredContent: {
      file: row,
      format: r.format,
      offset: r.offset,
      total_bytes: r.totalBytes,
      ...(r.nextOffset !== undefined ? { next_offset: r.nextOffset } : {}),
      ...(r.note ? { note: r.note } : {}),
    },
  };
}

export function fileTools(dx: DriveToolContext) {
  const getFile = defineTool({
    name: 'get_file',
    title: 'Get Drive file metadata',
    description:
      'Metadata of one file or folder by id or link: name, type, size, times, owners, shared drive, links, ' +
      'description, what this account may do with it, the formats Drive exports it as and the formats ' +
      'read_file gives. A shortcut also shows its target.',
    input: z.object({ file_id: z.string().min(1).max(300).describe('File id or Drive link') }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const f = await drive(() => dx.api.getFile(fileIdArg(input.file_id), ctx.signal));
      const row = fileRow(f);
      const formats = exportFormatsOf(f);
      const readable = readableAs(f);
      const value = {
        ...row,
        ...(f.description ? { description: f.description.slice(0, 2_000) } : {}),
        created_time: f.createdTime ?? undefined,
        ...(f.lastModifyingUser?.emailAddress ? { last_modified_by: f.lastModifyingUser.emailAddress } : {}),
        ...(f.webContentLink ? { download_link: f.webContentLink } : {}),
        ...(f.md5Checksum ? { md5: f.md5Checksum } : {}),
        shared: f.shared ?? false,
        starred: f.starred ?? false,
        can_edit: f.capabilities?.canEdit ?? false,
        can_share: f.capabilities?.canShare ?? false,
        google_type: isGoogleType(f.mimeType),
        export_formats: formats,
        read_formats: readable,
      };
      const lines = [
        fileLine(row),
        ...(value.description ? [`description: ${value.description}`] : []),
        `created ${value.created_time ?? '?'}${value.last_modified_by ? ` · last modified by ${value.last_modified_by}` : ''}`,
        `can edit: ${value.can_edit ? 'yes' : 'no'} · can share: ${value.can_share ? 'yes' : 'no'} · shared: ${value.shared ? 'yes' : 'no'}`,
        readable.length
          ? `read_file gives: ${readable.join(', ')}`
          : f.mimeType === MIME.folder
            ? `a folder: list it with ${ctx.servedName('list_folder')}`
            : f.mimeType === MIME.shortcut
              ? `a shortcut to ${f.shortcutDetails?.targetId ?? 'a file'}: ${ctx.servedName('read_file')} follows it`
              : 'read_file gives no text for it (binary): use the links',
        ...(formats.length ? [`Drive exports: ${formats.join(', ')}`] : []),
        ...(value.download_link ? [`download: ${value.download_link}`] : []),
      ];
      return structured(value, lines.join('\n'));
    },
  });

  const readFile = defineTool({
    name: 'read_file',
    title: 'Read a Drive file',
    description:
      `Text of a file, at most ${MAX_WINDOW / 1024} KiB per call from a byte offset; the footer gives the ` +
      'offset of the next window. Google Docs read as Markdown (format text or html on request), Sheets as ' +
      'CSV of the first sheet only (tsv on request), Slides as plain text, stored text/JSON/CSV files as they ' +
      'are. PDFs, images and other binaries are not sent (no base64): you get their metadata and links. ' +
      'Drive cannot export Docs over 10 MB.',
    input: z.object({
      file_id: z.string().min(1).max(300).describe('File id or Drive link'),
      offset: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('Byte offset to start at (from the previous footer)'),
      max_bytes: z
        .number()
        .int()
        .min(1_024)
        .max(MAX_WINDOW)
        .default(MAX_WINDOW)
        .describe(`Most bytes to return (1024-${MAX_WINDOW})`),
      format: z.enum(READ_FORMATS).optional().describe('markdown, text, html (Docs); csv, tsv (Sheets)'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const r = await drive(() =>
        dx.reader.read(
          fileIdArg(input.file_id),
          { offset: input.offset, maxBytes: input.max_bytes, format: input.format },
          ctx.signal,
        ),
      );
      return renderRead(r, ctx);
    },
  });

  return [getFile, readFile];
}
