import {
  createDeclaredServer,
  createRuntime,
  type Era,
  type Logger,
  packageVersion,
  type RuntimeOptions,
  type ServerModule,
} from '@mcpkit/core';
import { connectInProcess, eraClientOptions, OwnedClient } from '@mcpkit/core/client';
import { buildFromConfig, loadConfig } from '@mcpkit/core/config';
import { claudeDesktopAdapter } from './claude-desktop.js';
import { catalog } from './servers.js';
import type { Target } from './targets.js';
import { gatewayUpstreams } from './upstreams.js';
import { UsageError } from './usage.js';

/** `openTarget`'s work, loaded on demand (see targets.ts). */
export async function connectTarget(
  target: Target,
  era: Era,
  logger: Logger,
  runtimeOptions: RuntimeOptions = {},
): Promise<OwnedClient> {
  if (target.kind === 'builtin' || target.kind === 'config') {
    let built: { module: ServerModule; runtime: RuntimeOptions };
    if (target.kind === 'builtin') {
      const module = await createDeclaredServer(
        catalog.get(target.server),
        { args: target.args, options: target.options },
        { logger, cwd: process.cwd(), env: process.env },
      );
      built = { module, runtime: runtimeOptions };
    } else {
      // One-shot commands start upstreams at once, so their tools are listed.
      const upstreams = gatewayUpstreams({ start: 'eager' });
      const { config, baseDir } = await loadConfig(target.file, {
        catalog,
        adapt: claudeDesktopAdapter,
        upstreams,
      });
      built = await buildFromConfig(config, catalog, { logger, cwd: baseDir, upstreams });
    }
    const runtime = await createRuntime(built.module, { ...built.runtime, logger, audit: false });
    const client = await connectInProcess(runtime, { era, clientName: 'mcpkit-cli' });
    client.onClose(() => runtime.close());
    return client;
  }
  const client = new OwnedClient(
    { name: 'mcpkit-cli', version: packageVersion(import.meta.url) },
    eraClientOptions(era),
  );
  if (target.kind === 'command') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    await client.connect(
      new StdioClientTransport({ command: target.command, args: target.args, stderr: 'inherit' }),
    );
  } else {
    await connectOverHttp(client, target.url);
  }
  return client;
}

/**
 * Streamable HTTP with a bearer token from MCPKIT_TOKEN (never a command-line argument, which
 * every user of the machine can read). A 2025-era session is ended (DELETE) when the client closes.
 */
async function connectOverHttp(client: OwnedClient, url: URL): Promise<void> {
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const token = process.env.MCPKIT_TOKEN?.trim();
  if (token !== undefined && token !== '' && !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw new UsageError('MCPKIT_TOKEN must be a bare bearer token (no "Bearer " prefix, no spaces)');
  }
  const transport = new StreamableHTTPClientTransport(
    url,
    token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {},
  );
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(describeHttpFailure(error, url, Boolean(token)));
  }
  const close = client.close.bind(client);
  client.close = async () => {
    await transport.terminateSession().catch(() => {});
    await close();
  };
}

/** One line a person can act on, for the ways connecting to a URL fails. */
function describeHttpFailure(error: unknown, url: URL, hadToken: boolean): string {
  const status =
    (error as { status?: number; data?: { status?: number } }).status ??
    (error as { data?: { status?: number } }).data?.status;
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  if (status === 401 || /unauthori[sz]ed|\b401\b/i.test(message)) {
    return hadToken
      ? `${url.href} refused the token in MCPKIT_TOKEN (401): it is unknown, expired or not for this server`
      : `${url.href} needs authentication (401): set MCPKIT_TOKEN to a bearer token it accepts`;
  }
  if (status === 403 || /\b403\b/.test(message)) return `${url.href} refused the request (403): ${message}`;
  if (cause === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed/i.test(message)) {
    return `cannot reach ${url.href}: is the server running (mcpkit serve <server> --http)?`;
  }
  return `cannot connect to ${url.href}: ${message}`;
}
