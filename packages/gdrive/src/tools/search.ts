import { annotations, defineTool, requestKey, structured, ToolError } from '@mcpkit/core';
import * as z from 'zod';
import { MIME } from '../api/mime.js';
import { buildQuery, checkQuery } from '../api/query.js';
import {
  cursorIn,
  cursorOut,
  type DriveToolContext,
  drive,
  fileIdArg,
  fileLine,
  fileRow,
  moreLine,
} from './context.js';

/** Short names for the types people search by. */
const TYPE_ALIASES: Record<string, string> = {
  document: MIME.doc,
  doc: MIME.doc,
  spreadsheet: MIME.sheet,
  sheet: MIME.sheet,
  presentation: MIME.slides,
  slides: MIME.slides,
  folder: MIME.folder,
  pdf: 'application/pdf',
};

const ORDER: Record<string, string> = {
  modified_desc: 'modifiedTime desc',
  modified_asc: 'modifiedTime',
  name: 'name_natural',
  created_desc: 'createdTime desc',
};

const limitArg = z.number().int().min(1).max(100).default(25).describe('Files per page (1-100)');
const cursorArg = z.string().max(4_000).optional().describe('next_cursor from the previous page');

function page(files: ReturnType<typeof fileRow>[], next: string | undefined, incomplete?: boolean) {
  return {
    files,
    ...(next ? { next_cursor: next } : {}),
    ...(incomplete ? { incomplete_search: true } : {}),
  };
}

export function searchTools(dx: DriveToolContext) {
  const search = defineTool({
    name: 'search',
    title: 'Search Google Drive',
    description:
      'Find files in My Drive, files shared with you and every shared drive you belong to. `query` is ' +
      'free text matched against names and content (quotes and backslashes are escaped for you); `q` is a ' +
      "raw Drive query (e.g. `name contains 'plan' and modifiedTime > '2026-01-01T00:00:00'`), checked " +
      'before it is sent. Filters: name, types (document, spreadsheet, presentation, folder, pdf or MIME ' +
      'types), folder_id, drive_id, modified_after. Trashed files only with include_trashed. Every row has ' +
      'the file id to pass to read_file/get_file. Paged: pass next_cursor back as cursor.',
    input: z.object({
      query: z
        .string()
        .min(1)
        .max(500)
        .optional()
        .describe('Words to find in names and content (Drive matches whole words)'),
      q: z.string().min(1).max(2_000).optional().describe('A raw Drive query (advanced)'),
      name: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe('Only files with a word in their name starting with this (Drive matches name prefixes)'),
      types: z
        .array(z.string().min(1).max(120))
        .max(10)
        .optional()
        .describe('document, spreadsheet, presentation, folder, pdf, or MIME types'),
      folder_id: z.string().max(300).optional().describe('Only files directly in this folder (id or link)'),
      drive_id: z
        .string()
        .max(100)
        .optional()
        .describe('Only this shared drive (id from list_shared_drives)'),
      corpora: z
        .enum(['allDrives', 'user', 'domain'])
        .default('allDrives')
        .describe('allDrives (default): My Drive, shared with me and shared drives; user: not shared drives'),
      modified_after: z.iso.datetime({ offset: true, local: true }).optional().describe('RFC 3339 time'),
      include_trashed: z.boolean().default(false).describe('Also files in the trash'),
      order_by: z
        .enum(['modified_desc', 'modified_asc', 'name', 'created_desc'])
        .optional()
        .describe('Sort order (default modified_desc); free-text searches are ordered by relevance'),
      limit: limitArg,
      cursor: cursorArg,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      if (input.q) {
        const problem = checkQuery(input.q);
        if (problem)
          throw new ToolError(
            `q is not a valid Drive query: ${problem}. Strings are in single quotes, with \\' for a quote ` +
              'and \\\\ for a backslash; or pass plain text as `query` instead.',
          );
      }
      const mimeTypes = input.types?.map((t) => TYPE_ALIASES[t.toLowerCase()] ?? t);
      const q = buildQuery({
        text: input.query,
        rawQuery: input.q,
        nameContains: input.name,
        mimeTypes,
        folderId: input.folder_id ? fileIdArg(input.folder_id) : undefined,
        modifiedAfter: input.modified_after,
        includeTrashed: input.include_trashed,
      });
      // Drive refuses to sort full-text searches: they come in relevance order.
      const fullText = Boolean(input.query) || /\bfullText\b/.test(input.q ?? '');
      const orderBy = fullText ? undefined : ORDER[input.order_by ?? 'modified_desc'];
      const key = requestKey('search', q, input.drive_id, input.corpora, orderBy, input.limit);
      const pageToken = cursorIn(input.cursor, key);
      const result = await drive(() =>
        dx.api.listFiles(
          {
            q,
            ...(input.drive_id
              ? { corpora: 'drive' as const, driveId: input.drive_id }
              : { corpora: input.corpora }),
            pageSize: input.limit,
            pageToken,
            orderBy,
          },
          ctx.signal,
        ),
      );
      const rows = result.items.map(fileRow);
      const next = cursorOut(result.nextPageToken, key);
      const lines = [
        rows.length
          ? `${rows.length} file${rows.length === 1 ? '' : 's'}${next ? ' (more on the next page)' : ''}:`
          : 'No files match.',
        ...rows.map(fileLine),
        ...(result.incompleteSearch
          ? ['Drive searched only part of the corpora (incompleteSearch): narrow with drive_id or corpora.']
          : []),
        ...moreLine(ctx, 'search', next),
      ];
      return structured(page(rows, next, result.incompleteSearch), lines.join('\n'));
    },
  });

  const listFolder = defineTool({
    name: 'list_folder',
    title: 'List a Drive folder',
    description:
      'The files and folders directly inside a folder, folders first, then by name. folder_id is a folder ' +
      'id or link, a shared drive id (its top level), or "root" for My Drive (default). Paged: pass ' +
      'next_cursor back as cursor.',
    input: z.object({
      folder_id: z
        .string()
        .min(1)
        .max(300)
        .default('root')
        .describe('Folder id or link, shared drive id, or root'),
      include_trashed: z.boolean().default(false).describe('Also items in the trash'),
      limit: limitArg.default(50),
      cursor: cursorArg,
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const folderId = input.folder_id === 'root' ? 'root' : fileIdArg(input.folder_id);
      const q = buildQuery({ folderId, includeTrashed: input.include_trashed });
      const key = requestKey('list_folder', q, input.limit);
      const pageToken = cursorIn(input.cursor, key);
      const result = await drive(() =>
        dx.api.listFiles({ q, pageSize: input.limit, pageToken, orderBy: 'folder,name_natural' }, ctx.signal),
      );
      const rows = result.items.map(fileRow);
      const next = cursorOut(result.nextPageToken, key);
      const lines = [
        rows.length
          ? `${rows.length} item${rows.length === 1 ? '' : 's'} in ${folderId}${next ? ' (more on the next page)' : ''}:`
          : `Nothing in ${folderId} (or it is not a folder this account can see).`,
        ...rows.map(fileLine),
        ...moreLine(ctx, 'list_folder', next),
      ];
      return structured(page(rows, next), lines.join('\n'));
    },
  });

  return [search, listFolder];
}
