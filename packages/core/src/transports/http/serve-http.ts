import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerEventBus, ServerNotifier } from '@modelcontextprotocol/server';
import type { Runtime } from '../../runtime/runtime.js';
import type { McpHttpApp } from './app.js';
import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  type HttpServeOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './options.js';

/**
 * The HTTP face of a runtime as a node:http listener, to mount in a server of your own. Loaded on
 * first use: a process that serves stdio never pays for the HTTP stack.
 */
export async function createMcpHttpApp(runtime: Runtime, options: ResolvedHttpOptions): Promise<McpHttpApp> {
  const { buildMcpHttpApp } = await import('./app.js');
  return buildMcpHttpApp(runtime, options);
}

export interface HttpServerHandle {
  /** The MCP endpoint clients connect to (the public URL when one is configured). */
  readonly url: URL;
  /** The bound address. */
  readonly host: string;
  readonly port: number;
  /** Publishes change events to subscribed clients of both eras. */
  readonly notify: ServerNotifier;
  readonly bus: ServerEventBus;
  /** 2025-era sessions open right now. */
  readonly sessionCount: number;
  /** Stops listening, ends every stream and session, and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves a runtime over Streamable HTTP on node:http: 127.0.0.1 by default, both protocol eras
 * from the runtime's one factory. Resolves once listening; refuses unsafe setups before binding.
 */
export async function serveRuntimeOverHttp(
  runtime: Runtime,
  options: HttpServeOptions = {},
): Promise<HttpServerHandle> {
  resolveHttpOptions(options, options.port ?? DEFAULT_HTTP_PORT); // refuses unsafe setups before binding
  const host = options.host ?? DEFAULT_HTTP_HOST;
  let app: McpHttpApp | undefined;
  let ready: Promise<McpHttpApp> | undefined;
  const server: Server = createServer((req, res) => {
    if (app) app.listener(req, res);
    else void ready?.then((a) => a.listener(req, res)).catch(() => res.destroy());
  });
  // Slow clients cannot hold a socket forever while sending headers or a body; streams are unaffected.
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_HTTP_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const resolved = resolveHttpOptions(options, address.port);
  try {
    ready = createMcpHttpApp(runtime, resolved);
    app = await ready;
  } catch (error) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const served = app;
  const url = resolved.resourceUrl;
  let closing: Promise<void> | undefined;
  return {
    url,
    host: address.address,
    port: address.port,
    notify: served.notify,
    bus: served.bus,
    get sessionCount() {
      return served.sessionCount;
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise((resolve) => server.close(resolve));
        await served.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
