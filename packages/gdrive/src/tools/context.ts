import {
  ApiError,
  decodeCursor,
  encodeCursor,
  formatBytes,
  type HandlerContext,
  ToolError,
} from '@mcpkit/core';
import type { DriveApi, DriveFile } from '../api/drive-api.js';
import { DriveApiError } from '../api/errors.js';
import { MIME } from '../api/mime.js';
import type { FileReader } from '../api/read.js';
import { DriveAuthError, REAUTH_HINT } from '../auth/errors.js';

/** What every Drive tool shares: one API client and reader per server. */
export interface DriveToolContext {
  api: DriveApi;
  reader: FileReader;
}

const SERVICE = 'Google Drive';

const HINTS: Record<string, string> = {
  notFound:
    'check the id; the file may not be shared with this account, or be in a shared drive it is not a member of',
  insufficientFilePermissions: 'this account may read the file but not change it',
  insufficientPermissions: `the stored grant lacks the scope for this; with --allow-writes on, ${REAUTH_HINT}`,
  exportSizeLimitExceeded: 'open it in the browser (webViewLink) instead',
  authError: `the access token was refused even after a refresh; ${REAUTH_HINT}`,
  cannotShareTeamDriveTopFolderWithAnyoneOrDomains: 'a shared drive itself cannot be shared this way',
  teamDriveMembershipRequired: 'the account must be a member of the shared drive',
  appNotAuthorizedToFile:
    'with --write-scope file this server may change only files it created or was given; to change any ' +
    'file, serve with --write-scope full and run `mcpkit auth gdrive --allow-writes --write-scope full`',
};

/** A Drive failure as an isError result: status, Google's reason and message, what to do, when to retry. */
export function toToolError(e: unknown): Error {
  if (e instanceof ToolError) return e;
  if (e instanceof DriveAuthError)
    return new ToolError(e.message, { data: { service: SERVICE, auth: e.kind } });
  if (e instanceof DriveApiError) {
    if (e.status === 0)
      return new ApiError({ service: SERVICE, message: e.message, details: { reason: e.reason } });
    return new ApiError({
      service: SERVICE,
      status: e.status,
      message: e.reason ? `${e.message} (${e.reason})` : e.message,
      ...(e.reason && HINTS[e.reason] ? { hint: HINTS[e.reason] } : {}),
      ...(e.rateLimited ? { retryAfterSeconds: e.retryAfterSeconds ?? 10 } : {}),
      ...(e.reason ? { details: { reason: e.reason } } : {}),
    });
  }
  if (e instanceof Error && e.name === 'DriveConfigError') return new ToolError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs Drive calls, turning their failures into results a model can act on. */
export async function drive<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toToolError(e);
  }
}

/** A Drive page token wrapped in the kit's cursor, bound to the request that made it. */
export function cursorOut(pageToken: string | undefined, key: string): string | undefined {
  return pageToken ? encodeCursor({ t: pageToken }, key) : undefined;
}

export function cursorIn(cursor: string | undefined, key: string): string | undefined {
  return cursor ? decodeCursor<{ t: string }>(cursor, key).t : undefined;
}

/** The "call again" line for a next page. */
export function moreLine(ctx: HandlerContext, tool: string, cursor: string | undefined): string[] {
  return cursor
    ? [`More: call ${ctx.servedName(tool)} again with the same arguments and cursor="${cursor}"`]
    : [];
}

const KINDS: Record<string, string> = {
  [MIME.folder]: 'folder',
  [MIME.doc]: 'Google Doc',
  [MIME.sheet]: 'Google Sheet',
  [MIME.slides]: 'Google Slides',
  [MIME.shortcut]: 'shortcut',
  'application/vnd.google-apps.drawing': 'Google Drawing',
  'application/vnd.google-apps.form': 'Google Form',
  'application/pdf': 'PDF',
};

export function kindOf(mime: string | null | undefined): string {
  return (mime && KINDS[mime]) ?? mime ?? 'unknown';
}

/** One file as every tool shows it: ids, name, type, times, owners, links. */
export function fileRow(f: DriveFile) {
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mime_type: f.mimeType ?? '',
    kind: kindOf(f.mimeType),
    modified_time: f.modifiedTime ?? undefined,
    ...(f.size ? { size: Number(f.size) } : {}),
    owners: (f.owners ?? []).map((o) => o.emailAddress ?? o.displayName ?? '').filter(Boolean),
    ...(f.driveId ? { drive_id: f.driveId } : {}),
    ...(f.parents?.length ? { parent_id: f.parents[0] } : {}),
    web_view_link: f.webViewLink ?? undefined,
    ...(f.trashed ? { trashed: true } : {}),
    ...(f.shortcutDetails?.targetId ? { shortcut_target_id: f.shortcutDetails.targetId } : {}),
  };
}

export type FileRow = ReturnType<typeof fileRow>;

export function fileLine(r: FileRow): string {
  const facts = [
    r.kind,
    r.modified_time ? `modified ${r.modified_time.slice(0, 16).replace('T', ' ')}` : undefined,
    r.size !== undefined ? formatBytes(r.size) : undefined,
    r.owners.length ? `owner ${r.owners.join(', ')}` : r.drive_id ? `shared drive ${r.drive_id}` : undefined,
    r.trashed ? 'in the trash' : undefined,
  ].filter(Boolean);
  return `${r.name} — ${facts.join(' · ')}\n  id: ${r.id}${r.web_view_link ? ` · ${r.web_view_link}` : ''}`;
}

/** Ids as users paste them: a bare id, or a Drive/Docs URL holding one. */
export function fileIdArg(value: string): string {
  const v = value.trim();
  const fromUrl =
    /\/(?:d|folders)\/([A-Za-z0-9_-]{5,})/.exec(v)?.[1] ?? /[?&]id=([A-Za-z0-9_-]{5,})/.exec(v)?.[1];
  const id = fromUrl ?? v;
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id))
    throw new ToolError(
      `"${value.slice(0, 80)}" is not a Drive file id (letters, digits, - and _) or a Drive link`,
    );
  return id;
}
