/**
 * What `mcpkit auth gdrive [--allow-writes] [--write-scope full]` runs: resolve the OAuth client
 * as the server will, run the loopback consent flow, and say where the grant was saved. The CLI
 * supplies the terminal (print) and the browser (openBrowser).
 */
import { spawn } from 'node:child_process';
import { DriveConfigError } from './errors.js';
import { type ConsentResult, runConsentFlow } from './flow.js';
import { type AuthOptions, resolveAuthSettings } from './settings.js';

export interface GdriveAuthCommandOptions
  extends Pick<
    AuthOptions,
    'oauthClientFile' | 'tokenFile' | 'tokenUrl' | 'authUrl' | 'allowWrites' | 'writeScope'
  > {
  env?: NodeJS.ProcessEnv;
  /** Opens the consent page; the URL is printed as well, for machines without a browser. */
  openBrowser?: (url: string) => void | Promise<void>;
  print: (line: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Opens a URL in the desktop's browser, if there is one; never throws (the URL is printed anyway). */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser: the printed URL is the way.
  }
}

export async function runGdriveAuth(o: GdriveAuthCommandOptions): Promise<ConsentResult> {
  const env = o.env ?? process.env;
  const settings = resolveAuthSettings(
    {
      oauthClientFile: o.oauthClientFile,
      tokenFile: o.tokenFile,
      tokenUrl: o.tokenUrl,
      authUrl: o.authUrl,
      allowWrites: o.allowWrites ?? false,
      writeScope: o.writeScope ?? 'file',
    },
    env,
  );
  if (settings.mode === 'service-account')
    throw new DriveConfigError(
      'GOOGLE_APPLICATION_CREDENTIALS names a service-account key: the server uses it directly and needs no ' +
        '`mcpkit auth gdrive`. Unset it to authorize a Google account instead.',
    );
  if (settings.refreshToken)
    throw new DriveConfigError(
      'GOOGLE_APPLICATION_CREDENTIALS names an authorized_user file, which already holds a refresh token. ' +
        'Unset it to authorize with `mcpkit auth gdrive` instead.',
    );
  const result = await runConsentFlow({
    settings,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    openBrowser: async (url) => {
      o.print(
        `Authorize Google Drive access (${settings.scopes.map((s) => s.split('/').pop()).join(', ')}).`,
      );
      o.print(`If no browser opens, visit:\n${url}`);
      await (o.openBrowser ?? openInBrowser)(url);
    },
  });
  o.print(
    `Saved the grant to ${result.tokenFile} (mode 0600). Start the server with \`mcpkit serve gdrive\`.`,
  );
  return result;
}
