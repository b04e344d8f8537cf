import { defineServer, type Logger, packageVersion, type ServerModule } from '@mcpkit/core';
import { DriveApi } from './api/drive-api.js';
import { FileReader } from './api/read.js';
import { createDriveAuth } from './auth/provider.js';
import { resolveAuthSettings } from './auth/settings.js';
import type { GdriveOptions } from './options.js';
import { fileResources } from './resources/files.js';
import type { DriveToolContext } from './tools/context.js';
import { fileTools } from './tools/files.js';
import { searchTools } from './tools/search.js';
import { sharingTools } from './tools/sharing.js';
import { shareTools, writeTools } from './tools/write.js';

export const VERSION = packageVersion(import.meta.url);

export interface GdriveServerOptions extends Partial<GdriveOptions> {
  /** Whether writes are on (core's --allow-writes / --read-only). Default false. */
  writes?: boolean;
  /** Where credentials come from (GOOGLE_APPLICATION_CREDENTIALS, GDRIVE_CLIENT_ID, ...). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Refresh tokens this long before they expire (tests); google-auth-library's default otherwise. */
  eagerRefreshThresholdMillis?: number;
}

/**
 * The Google Drive server: search, folders, metadata, reading (Docs as Markdown, Sheets as CSV,
 * Slides as text, never a binary), permissions and shared drives; writing text files only with
 * writes on, sharing only with --allow-sharing on top. Credentials are checked here (a missing
 * client id/secret is a start-up error); Google is first called on the first tool call.
 */
export function createGdriveServer(options: GdriveServerOptions = {}): ServerModule {
  const writes = options.writes === true;
  const settings = resolveAuthSettings(
    {
      credentialsFile: options.credentialsFile,
      impersonate: options.impersonate,
      oauthClientFile: options.oauthClientFile,
      tokenFile: options.tokenFile,
      tokenUrl: options.tokenUrl,
      allowWrites: writes,
      writeScope: options.writeScope ?? 'file',
    },
    options.env ?? process.env,
  );
  const auth = createDriveAuth(settings, {
    eagerRefreshThresholdMillis: options.eagerRefreshThresholdMillis,
    onPersistError: (e) =>
      options.logger?.error(
        { service: 'gdrive', code: (e as NodeJS.ErrnoException).code },
        'gdrive: could not save the rotated refresh token; the next start may need `mcpkit auth gdrive`',
      ),
  });
  const api = new DriveApi({ auth, rootUrl: options.rootUrl, timeoutMs: options.timeoutMs ?? 30_000 });
  const dx: DriveToolContext = {
    api,
    reader: new FileReader(api, { exportCacheBytes: options.exportCacheBytes }),
  };
  if (settings.mode === 'oauth' && options.impersonate)
    options.logger?.warn('gdrive: --impersonate applies to a service account only; it is ignored with OAuth');
  const sharing = writes && options.allowSharing === true;
  if (options.allowSharing && !writes)
    options.logger?.warn(
      'gdrive: --allow-sharing is set but writes are off (--allow-writes), so sharing stays off',
    );
  const tools = [
    ...searchTools(dx),
    ...fileTools(dx),
    ...sharingTools(dx),
    ...(writes ? writeTools(dx) : []),
    ...(sharing ? shareTools(dx) : []),
  ];
  const who =
    settings.mode === 'service-account'
      ? `a service account${settings.subject ? ` acting as ${settings.subject}` : ''}`
      : 'the authorized Google account';
  return defineServer({
    name: 'gdrive',
    version: VERSION,
    title: 'mcpkit Google Drive',
    instructions: [
      `Google Drive as ${who} sees it: My Drive, files shared with it and its shared drives.`,
      'Find files with search (every row has the file id), browse with list_folder, read with read_file',
      '(Docs as Markdown, Sheets as CSV of the first sheet, 64 KiB windows: follow next offset). Binaries',
      'are never sent as bytes. Lists are paged: pass next_cursor back as cursor.',
      writes
        ? `Writing is on: create_text_file, update_text_file${sharing ? ', share_file' : ''}.`
        : 'Read-only: no tool changes Drive.',
    ].join(' '),
    tools,
    resources: [fileResources(dx)],
  });
}
