import {
  decodeCursor,
  defineResourceTemplate,
  encodeCursor,
  requestKey,
  ToolError,
  type textContents,
} from '@mcpkit/core';
import type { DriveFile } from '../api/drive-api.js';
import { MIME } from '../api/mime.js';
import { buildQuery } from '../api/query.js';
import { type DriveToolContext, drive, fileIdArg, fileLine, fileRow } from '../tools/context.js';
import { MAX_WINDOW } from '../tools/files.js';

const LIST_PAGE = 50;

type ReadResourceResult = ReturnType<typeof textContents>;

/** What reading the resource gives, as a MIME type. */
function readMime(f: DriveFile): string {
  if (f.mimeType === MIME.doc) return 'text/markdown';
  if (f.mimeType === MIME.sheet) return 'text/csv';
  if (f.mimeType === MIME.slides) return 'text/plain';
  return f.mimeType ?? 'application/octet-stream';
}

export const fileUri = (id: string, offset?: number) =>
  `gdrive:///${encodeURIComponent(id)}${offset ? `?offset=${offset}` : ''}`;

/**
 * Drive files as resources, `gdrive:///{fileId}` (`?offset=N` for the next window), read exactly as
 * read_file reads them: text windows of 64 KiB, never a binary's bytes. Listed newest first.
 */
export function fileResources(dx: DriveToolContext) {
  return defineResourceTemplate({
    name: 'file',
    title: 'Google Drive file',
    description:
      'A Drive file by id: Docs as Markdown, Sheets as CSV (first sheet), Slides and text files as text, ' +
      '64 KiB at a time (the next window is gdrive:///{fileId}?offset=N); binaries as metadata only.',
    uriTemplate: 'gdrive:///{fileId}',
    async list(ctx, cursor) {
      const q = buildQuery({ rawQuery: `mimeType != '${MIME.folder}'` });
      const key = requestKey('resources', q);
      const pageToken = cursor ? decodeCursor<{ t: string }>(cursor, key).t : undefined;
      const page = await drive(() =>
        dx.api.listFiles({ q, pageSize: LIST_PAGE, pageToken, orderBy: 'modifiedTime desc' }, ctx.signal),
      );
      return {
        resources: page.items.map((f) => ({
          uri: fileUri(f.id!),
          name: f.name ?? f.id!,
          mimeType: readMime(f),
          description: fileLine(fileRow(f)).split('\n')[0],
        })),
        ...(page.nextPageToken ? { nextCursor: encodeCursor({ t: page.nextPageToken }, key) } : {}),
      };
    },
    async read(uri, _variables, ctx): Promise<ReadResourceResult> {
      const id = fileIdArg(decodeURIComponent(uri.pathname.replace(/^\//, '')));
      const offsetText = uri.searchParams.get('offset') ?? '0';
      const offset = Number(offsetText);
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new ToolError(`offset must be a whole number of bytes, not "${offsetText.slice(0, 20)}"`);
      const r = await drive(() => dx.reader.read(id, { offset, maxBytes: MAX_WINDOW }, ctx.signal));
      const row = fileRow(r.file);
      if (r.kind === 'none') {
        const link = r.file.webViewLink ?? r.file.webContentLink;
        return {
          contents: [
            {
              uri: uri.href,
              mimeType: 'text/plain',
              text: `${row.name} is not readable as text: ${r.reason}.\n${fileLine(row)}${link ? `\nOpen it at ${link}` : ''}`,
            },
          ],
        };
      }
      const mimeType =
        r.format === 'markdown' ? 'text/markdown' : r.format === 'csv' ? 'text/csv' : readMime(r.file);
      return {
        contents: [
          { uri: uri.href, mimeType, text: r.text },
          ...(r.nextOffset !== undefined
            ? [
                {
                  uri: fileUri(id, r.nextOffset),
                  mimeType: 'text/plain',
                  text: `[${r.totalBytes - r.nextOffset} more bytes of ${r.totalBytes}: read ${fileUri(id, r.nextOffset)}]`,
                },
              ]
            : []),
        ],
      };
    },
  });
}
