import { option } from '@mcpkit/core';
import * as z from 'zod';

/**
 * The Drive server's own options; --read-only / --allow-writes come from core. Secrets (the OAuth
 * client secret, the refresh token, the service-account key) are never options: they live in the
 * files these options name and in the environment.
 */
export const gdriveOptionsSchema = z
  .object({
    credentialsFile: z
      .string()
      .min(1)
      .optional()
      .describe('Service-account key (or authorized_user) JSON; default GOOGLE_APPLICATION_CREDENTIALS'),
    impersonate: z
      .email()
      .optional()
      .describe('With a service account: the user to act as (domain-wide delegation)'),
    oauthClientFile: z
      .string()
      .min(1)
      .optional()
      .describe('OAuth client JSON from the Cloud console (or GDRIVE_CLIENT_ID and GDRIVE_CLIENT_SECRET)'),
    tokenFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where `mcpkit auth gdrive` keeps the refresh token (default ~/.config/mcpkit/gdrive-token.json)',
      ),
    writeScope: z
      .enum(['file', 'full'])
      .default('file')
      .describe('With --allow-writes: file (files this app creates or opens) or full (the whole Drive)'),
    allowSharing: option
      .flag()
      .default(false)
      .describe('Also serve share_file, which grants other people access (needs --allow-writes)'),
    rootUrl: z.url().optional().describe('Drive API root URL (default https://www.googleapis.com/)'),
    tokenUrl: z
      .url()
      .optional()
      .describe('OAuth token endpoint (default https://oauth2.googleapis.com/token)'),
    timeoutMs: option.whole(1_000, 120_000).default(30_000).describe('Timeout of one Drive request (ms)'),
    exportCacheBytes: option
      .size()
      .default(32 * 1024 * 1024)
      .describe('Memory for exported Docs and Sheets kept between read_file windows'),
  })
  .strict();

export type GdriveOptions = z.output<typeof gdriveOptionsSchema>;
