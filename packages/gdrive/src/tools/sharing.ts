import { annotations, defineTool, requestKey, structured } from '@mcpkit/core';
import * as z from 'zod';
import type { DrivePermission } from '../api/drive-api.js';
import { cursorIn, cursorOut, type DriveToolContext, drive, fileIdArg, moreLine } from './context.js';

function permissionRow(p: DrivePermission) {
  const inherited = p.permissionDetails?.find((d) => d.inherited);
  return {
    id: p.id ?? '',
    type: p.type ?? '',
    role: p.role ?? '',
    ...(p.emailAddress ? { email: p.emailAddress } : {}),
    ...(p.displayName ? { name: p.displayName } : {}),
    ...(p.domain ? { domain: p.domain } : {}),
    // "anyone" or "domain" without discovery: whoever has the link.
    ...(p.type === 'anyone' || p.type === 'domain' ? { link_only: p.allowFileDiscovery !== true } : {}),
    ...(inherited?.inheritedFrom ? { inherited_from: inherited.inheritedFrom } : {}),
    ...(p.deleted ? { deleted: true } : {}),
  };
}

function permissionLine(r: ReturnType<typeof permissionRow>): string {
  const who =
    r.type === 'anyone'
      ? r.link_only
        ? 'anyone with the link'
        : 'anyone (public on the web)'
      : r.type === 'domain'
        ? `everyone at ${r.domain}${r.link_only ? ' with the link' : ''}`
        : `${r.type} ${r.email ?? r.name ?? r.id}`;
  return `${r.role} · ${who}${r.inherited_from ? ` (from shared drive ${r.inherited_from})` : ''}`;
}

export function sharingTools(dx: DriveToolContext) {
  const listPermissions = defineTool({
    name: 'list_permissions',
    title: 'List who can access a Drive file',
    description:
      'Who has access to a file and how: role (owner, organizer, writer, commenter, reader) and grantee ' +
      '(user or group email, a domain, or anyone with the link). Shared-drive members show where the access ' +
      'comes from. Paged: pass next_cursor back as cursor.',
    input: z.object({
      file_id: z.string().min(1).max(300).describe('File id or Drive link'),
      limit: z.number().int().min(1).max(100).default(50).describe('Permissions per page (1-100)'),
      cursor: z.string().max(4_000).optional().describe('next_cursor from the previous page'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const fileId = fileIdArg(input.file_id);
      const key = requestKey('list_permissions', fileId, input.limit);
      const pageToken = cursorIn(input.cursor, key);
      const result = await drive(() => dx.api.listPermissions(fileId, input.limit, pageToken, ctx.signal));
      const rows = result.items.map(permissionRow);
      const next = cursorOut(result.nextPageToken, key);
      const lines = [
        `${rows.length} permission${rows.length === 1 ? '' : 's'} on ${fileId}:`,
        ...rows.map(permissionLine),
        ...moreLine(ctx, 'list_permissions', next),
      ];
      return structured(
        { file_id: fileId, permissions: rows, ...(next ? { next_cursor: next } : {}) },
        lines.join('\n'),
      );
    },
  });

  const listSharedDrives = defineTool({
    name: 'list_shared_drives',
    title: 'List shared drives',
    description:
      'The shared drives this account is a member of: id and name. Pass an id to list_folder (its top level) ' +
      'or to search as drive_id. Paged: pass next_cursor back as cursor.',
    input: z.object({
      limit: z.number().int().min(1).max(100).default(50).describe('Drives per page (1-100)'),
      cursor: z.string().max(4_000).optional().describe('next_cursor from the previous page'),
    }),
    annotations: annotations.readOnlyOpen,
    async handler(input, ctx) {
      const key = requestKey('list_shared_drives', input.limit);
      const pageToken = cursorIn(input.cursor, key);
      const result = await drive(() => dx.api.listDrives(input.limit, pageToken, ctx.signal));
      const rows = result.items.map((d) => ({
        id: d.id ?? '',
        name: d.name ?? '',
        ...(d.createdTime ? { created_time: d.createdTime } : {}),
        ...(d.hidden ? { hidden: true } : {}),
        can_add_files: d.capabilities?.canAddChildren ?? false,
      }));
      const next = cursorOut(result.nextPageToken, key);
      const lines = [
        rows.length ? `${rows.length} shared drive${rows.length === 1 ? '' : 's'}:` : 'No shared drives.',
        ...rows.map((d) => `${d.name} — id: ${d.id}${d.can_add_files ? '' : ' · read only'}`),
        ...(rows.length ? [`List one with ${ctx.servedName('list_folder')} folder_id=<id>.`] : []),
        ...moreLine(ctx, 'list_shared_drives', next),
      ];
      return structured({ drives: rows, ...(next ? { next_cursor: next } : {}) }, lines.join('\n'));
    },
  });

  return [listPermissions, listSharedDrives];
}
