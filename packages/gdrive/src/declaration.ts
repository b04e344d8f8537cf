import { declareServer } from '@mcpkit/core';
import { gdriveOptionsSchema } from './options.js';

/** How `mcpkit serve gdrive` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'gdrive',
    description:
      'Google Drive: search, folders, Docs as Markdown, Sheets as CSV, shared drives, permissions (read-only unless --allow-writes)',
    options: gdriveOptionsSchema,
    env: {
      credentialsFile: 'GOOGLE_APPLICATION_CREDENTIALS',
      impersonate: 'GDRIVE_IMPERSONATE',
      oauthClientFile: 'GDRIVE_OAUTH_CLIENT',
      tokenFile: 'GDRIVE_TOKEN_FILE',
      writeScope: 'GDRIVE_WRITE_SCOPE',
      rootUrl: 'GDRIVE_ROOT_URL',
      tokenUrl: 'GDRIVE_TOKEN_URL',
    },
    paths: ['credentialsFile', 'oauthClientFile', 'tokenFile'],
    // Writes reach other people's files: off unless --allow-writes; sharing needs --allow-sharing too.
    writes: 'off',
    // `mcpkit auth gdrive [--allow-writes] [--write-scope full]`: the loopback OAuth consent.
    async authorize(options, { env, print }) {
      const { runGdriveAuth, openInBrowser } = await import('./auth/index.js');
      await runGdriveAuth({
        env,
        allowWrites: options.writes,
        writeScope: options.writeScope,
        ...(options.oauthClientFile ? { oauthClientFile: options.oauthClientFile } : {}),
        ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
        ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
        print,
        openBrowser: openInBrowser,
      });
    },
    async create(options, { env, logger }) {
      const { createGdriveServer } = await import('./server.js');
      const { readOnly: _r, allowWrites: _a, ...rest } = options;
      return createGdriveServer({ ...rest, env, logger });
    },
  }),
];
