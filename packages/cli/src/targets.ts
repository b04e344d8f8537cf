import path from 'node:path';
import {
  buildFromConfig,
  connectInProcess,
  createBuiltin,
  createRuntime,
  type Era,
  eraClientOptions,
  type Logger,
  loadConfig,
  OwnedClient,
  type RuntimeOptions,
} from '@mcpkit/core';
import { UsageError } from './usage.js';

export type Target =
  | { kind: 'builtin'; server: string; args: string[]; options: Record<string, unknown> }
  | { kind: 'config'; file: string }
  | { kind: 'command'; command: string; args: string[] }
  | { kind: 'url'; url: URL };

export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * Opens a client on a target: a built-in or a config runs in this process (the same runtime
 * `serve` uses, over an in-memory pair); a command is spawned and spoken to over stdio; a URL
 * over Streamable HTTP (a bearer token from MCPKIT_TOKEN).
 */
export async function openTarget(
  target: Target,
  era: Era,
  logger: Logger,
  runtimeOptions: RuntimeOptions = {},
): Promise<OwnedClient> {
  if (target.kind === 'builtin' || target.kind === 'config') {
    let built: { module: Awaited<ReturnType<typeof createBuiltin>>; runtime: RuntimeOptions };
    if (target.kind === 'builtin') {
      const module = await createBuiltin(target.server, target.args, target.options, {
        logger,
        cwd: process.cwd(),
      });
      built = { module, runtime: runtimeOptions };
    } else {
      const { config, baseDir } = await loadConfig(target.file);
      built = await buildFromConfig(config, { logger, cwd: baseDir });
    }
    const runtime = await createRuntime(built.module, { ...built.runtime, logger, audit: false });
    const client = await connectInProcess(runtime, { era, clientName: 'mcpkit-cli' });
    client.onClose(() => runtime.close());
    return client;
  }
  const client = new OwnedClient({ name: 'mcpkit-cli', version: '0.1.0' }, eraClientOptions(era));
  if (target.kind === 'command') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    await client.connect(
      new StdioClientTransport({ command: target.command, args: target.args, stderr: 'inherit' }),
    );
  } else {
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const token = process.env.MCPKIT_TOKEN;
    await client.connect(
      new StreamableHTTPClientTransport(
        target.url,
        token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {},
      ),
    );
  }
  return client;
}

/** Reads a target from positionals (a built-in with args, or a URL) or from --config / `--`. */
export function targetFrom(
  positionals: string[],
  config: string | undefined,
  rest: string[] | undefined,
): Target {
  if (rest) {
    const [command, ...args] = rest;
    if (!command) throw new UsageError('nothing after "--": give the command that starts the server');
    return { kind: 'command', command, args };
  }
  if (config) return { kind: 'config', file: path.resolve(config) };
  const [first, ...args] = positionals;
  if (!first)
    throw new UsageError('no target: name a built-in server, --config <file>, a URL, or -- <command>');
  if (isUrl(first)) {
    if (args.length) throw new UsageError(`unexpected arguments after the URL: ${args.join(' ')}`);
    return { kind: 'url', url: new URL(first) };
  }
  return { kind: 'builtin', server: first, args, options: {} };
}
