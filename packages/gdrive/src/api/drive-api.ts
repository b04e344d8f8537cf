/**
 * Drive v3 through Google's own client (@googleapis/drive), with the root URL configurable (a
 * proxy, or a test's stand-in). Every call: signed by the lazily built auth client; one refresh
 * and one retry after a 401; shared drives supported; errors as DriveApiError or DriveAuthError.
 */
import { drive, type drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import type { DriveAuth } from '../auth/provider.js';
import { DriveApiError, toDriveApiError } from './errors.js';

export type DriveFile = drive_v3.Schema$File;
export type DrivePermission = drive_v3.Schema$Permission;
export type SharedDrive = drive_v3.Schema$Drive;

/** What every file row carries: ids, names, types, times, owners and links. */
export const FILE_FIELDS = [
  'id',
  'name',
  'mimeType',
  'size',
  'modifiedTime',
  'createdTime',
  'webViewLink',
  'owners(displayName,emailAddress)',
  'driveId',
  'parents',
  'trashed',
  'shortcutDetails(targetId,targetMimeType)',
].join(',');

/** get_file and read_file also want the export formats, the download link and the description. */
export const FILE_DETAIL_FIELDS = `${FILE_FIELDS},description,webContentLink,exportLinks,version,md5Checksum,capabilities(canDownload,canEdit,canShare),lastModifyingUser(displayName,emailAddress),starred,shared`;

export const PERMISSION_FIELDS =
  'id,type,role,emailAddress,domain,displayName,allowFileDiscovery,deleted,permissionDetails(inherited,inheritedFrom,role)';

export interface DriveApiOptions {
  auth: DriveAuth;
  /** Replaces https://www.googleapis.com/ for every method. */
  rootUrl?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface ListFilesParams {
  q?: string;
  corpora?: 'user' | 'drive' | 'allDrives' | 'domain';
  driveId?: string;
  pageSize: number;
  pageToken?: string;
  orderBy?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
  incompleteSearch?: boolean;
}

/** Drive's documented cap on exported content. */
export const EXPORT_LIMIT = 10 * 1024 * 1024;

/** At most `limit` bytes of a response body, then the stream is cancelled; `more` says it was cut. */
async function readAtMost(
  body: AsyncIterable<Uint8Array> | string | undefined,
  limit: number,
): Promise<{ bytes: Buffer; more: boolean }> {
  if (body === undefined) return { bytes: Buffer.alloc(0), more: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of typeof body === 'string' ? [Buffer.from(body)] : body) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size > limit) break; // leaving the loop cancels the stream
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: bytes.subarray(0, limit), more: bytes.length > limit };
}

type Call<T> = (
  api: drive_v3.Drive,
  options: { signal?: AbortSignal; rootUrl?: string },
) => Promise<{ data: T; status?: number }>;

export class DriveApi {
  private built?: { client: OAuth2Client; api: drive_v3.Drive };

  constructor(private readonly options: DriveApiOptions) {}

  private async api(): Promise<drive_v3.Drive> {
    const client = await this.options.auth.client();
    if (this.built?.client !== client) {
      this.built = {
        client,
        api: drive({
          version: 'v3',
          // googleapis-common pins its own google-auth-library (10.5.0); the client is used only
          // through request(), which both versions share, so the type difference is nominal.
          auth: client as unknown as drive_v3.Options['auth'],
          rootUrl: this.options.rootUrl,
          timeout: this.options.timeoutMs ?? 30_000,
          // Retry only Google's own hiccups, briefly; a rate limit goes back to the caller with its wait.
          retryConfig: {
            retry: 2,
            retryDelay: 200,
            statusCodesToRetry: [[500, 599]],
            httpMethodsToRetry: ['GET', 'HEAD'],
            noResponseRetries: 1,
          },
        }),
      };
    }
    return this.built.api;
  }

  private async call<T>(run: Call<T>, signal?: AbortSignal): Promise<T> {
    return (await this.request(run, signal)).data;
  }

  /** Runs one request; after a 401, refreshes the token once and tries once more. */
  private async request<T>(run: Call<T>, signal?: AbortSignal): Promise<{ data: T; status?: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const api = await this.api();
        // Per call too: the library builds upload URLs from the call's rootUrl only, never the global one.
        return await run(api, { signal, ...(this.options.rootUrl ? { rootUrl: this.options.rootUrl } : {}) });
      } catch (e) {
        const auth = this.options.auth.classify(e);
        if (auth !== e) throw auth;
        if (e instanceof DriveApiError || (e instanceof Error && e.name === 'DriveAuthError')) throw e;
        const api = toDriveApiError(e);
        if (api?.status === 401 && attempt === 0) {
          this.options.auth.invalidate();
          continue;
        }
        if (api) throw api;
        if (signal?.aborted) throw new DriveApiError(0, 'aborted', 'The request was cancelled.');
        const code = (e as { code?: unknown }).code;
        throw new DriveApiError(
          0,
          'unreachable',
          `Google Drive could not be reached${typeof code === 'string' ? ` (${code})` : ''}; try again shortly.`,
        );
      }
    }
  }

  async listFiles(p: ListFilesParams, signal?: AbortSignal): Promise<Page<DriveFile>> {
    const data = await this.call(
      (api, o) =>
        api.files.list(
          {
            q: p.q,
            corpora: p.corpora ?? (p.driveId ? 'drive' : 'allDrives'),
            driveId: p.driveId,
            // Shared drives need both flags, or Drive leaves their files out.
            includeItemsFromAllDrives: true,
            supportsAllDrives: true,
            pageSize: p.pageSize,
            pageToken: p.pageToken,
            orderBy: p.orderBy,
            fields: `nextPageToken,incompleteSearch,files(${FILE_FIELDS})`,
          },
          o,
        ),
      signal,
    );
    return {
      items: data.files ?? [],
      nextPageToken: data.nextPageToken ?? undefined,
      incompleteSearch: data.incompleteSearch ?? undefined,
    };
  }

  getFile(fileId: string, signal?: AbortSignal, fields = FILE_DETAIL_FIELDS): Promise<DriveFile> {
    return this.call((api, o) => api.files.get({ fileId, supportsAllDrives: true, fields }, o), signal);
  }

  /**
   * Bytes [start, end) of a stored file, by an HTTP range (Drive's partial download). Read as a
   * stream and cut at the window, so a server that ignores Range cannot make us hold the file.
   */
  async download(fileId: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const res = await this.request(
      (api, o) =>
        api.files.get(
          { fileId, alt: 'media', supportsAllDrives: true },
          { ...o, responseType: 'stream', headers: { Range: `bytes=${start}-${end - 1}` } },
        ) as unknown as Promise<{ data: AsyncIterable<Uint8Array>; status: number }>,
      signal,
    );
    // 206: the window itself. 200: the server ignored Range and sends the file from its start.
    if (res.status === 206) return (await readAtMost(res.data, end - start)).bytes;
    return (await readAtMost(res.data, end)).bytes.subarray(start, end);
  }

  /** A Docs Editors file converted by Drive (at most 10 MB, Drive's limit; more is refused here too). */
  async exportFile(fileId: string, mimeType: string, signal?: AbortSignal): Promise<Buffer> {
    const body = await this.call(
      (api, o) =>
        api.files.export({ fileId, mimeType }, { ...o, responseType: 'stream' }) as unknown as Promise<{
          data: AsyncIterable<Uint8Array>;
        }>,
      signal,
    );
    const { bytes, more } = await readAtMost(body, EXPORT_LIMIT);
    if (more)
      throw new DriveApiError(403, 'exportSizeLimitExceeded', 'This file is too large to be exported.');
    return bytes;
  }

  async listPermissions(
    fileId: string,
    pageSize: number,
    pageToken?: string,
    signal?: AbortSignal,
  ): Promise<Page<DrivePermission>> {
    const data = await this.call(
      (api, o) =>
        api.permissions.list(
          {
            fileId,
            supportsAllDrives: true,
            pageSize,
            pageToken,
            fields: `nextPageToken,permissions(${PERMISSION_FIELDS})`,
          },
          o,
        ),
      signal,
    );
    return { items: data.permissions ?? [], nextPageToken: data.nextPageToken ?? undefined };
  }

  async listDrives(pageSize: number, pageToken?: string, signal?: AbortSignal): Promise<Page<SharedDrive>> {
    const data = await this.call(
      (api, o) =>
        api.drives.list(
          {
            pageSize,
            pageToken,
            fields: 'nextPageToken,drives(id,name,createdTime,hidden,capabilities(canAddChildren,canShare))',
          },
          o,
        ),
      signal,
    );
    return { items: data.drives ?? [], nextPageToken: data.nextPageToken ?? undefined };
  }

  createFile(
    file: { name: string; parentId?: string; mimeType: string; content: string; description?: string },
    signal?: AbortSignal,
  ): Promise<DriveFile> {
    return this.call(
      (api, o) =>
        api.files.create(
          {
            requestBody: {
              name: file.name,
              mimeType: file.mimeType,
              ...(file.parentId ? { parents: [file.parentId] } : {}),
              ...(file.description ? { description: file.description } : {}),
            },
            media: { mimeType: file.mimeType, body: file.content },
            supportsAllDrives: true,
            fields: FILE_FIELDS,
          },
          o,
        ),
      signal,
    );
  }

  updateFile(
    fileId: string,
    change: { content?: string; mimeType?: string; name?: string },
    signal?: AbortSignal,
  ): Promise<DriveFile> {
    return this.call(
      (api, o) =>
        api.files.update(
          {
            fileId,
            requestBody: change.name ? { name: change.name } : {},
            ...(change.content !== undefined
              ? { media: { mimeType: change.mimeType ?? 'text/plain', body: change.content } }
              : {}),
            supportsAllDrives: true,
            fields: FILE_FIELDS,
          },
          o,
        ),
      signal,
    );
  }

  share(
    fileId: string,
    permission: {
      type: 'user' | 'group' | 'domain' | 'anyone';
      role: string;
      emailAddress?: string;
      domain?: string;
    },
    notify: boolean,
    signal?: AbortSignal,
  ): Promise<DrivePermission> {
    return this.call(
      (api, o) =>
        api.permissions.create(
          {
            fileId,
            requestBody: permission,
            sendNotificationEmail: notify,
            supportsAllDrives: true,
            fields: PERMISSION_FIELDS,
          },
          o,
        ),
      signal,
    );
  }
}
