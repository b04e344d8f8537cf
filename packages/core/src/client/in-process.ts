import {
  Client,
  type ClientCapabilities,
  InMemoryTransport,
  type ListChangedHandlers,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { type AuthInfo, createMcpHandler } from '@modelcontextprotocol/server';
import type { Era } from '../define/context.js';
import { packageVersion } from '../kit/version.js';
import type { Runtime } from '../runtime/runtime.js';
import { serveOnConnection } from '../runtime/serve.js';

const VERSION = packageVersion(import.meta.url);

/** An SDK Client that, when closed, also shuts down whatever served it. */
export class OwnedClient extends Client {
  private teardowns: (() => Promise<void>)[] = [];

  /** Runs `teardown` once after the client closes; in the order added. */
  onClose(teardown: () => Promise<void>): void {
    this.teardowns.push(teardown);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      const teardowns = this.teardowns;
      this.teardowns = [];
      for (const teardown of teardowns) await teardown();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Client options that make it speak the given era. */
export function eraClientOptions(era: Era) {
  return era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } : {};
}

export interface InProcessOptions {
  era?: Era;
  clientName?: string;
  /** Connect as this verified caller (through the SDK's HTTP handler, in-process). */
  auth?: AuthInfo;
  /** What the client declares it can do (e.g. `{ roots: { listChanged: true } }`). */
  capabilities?: ClientCapabilities;
  /** Callbacks for list changes (tools, prompts, resources), as the SDK client takes them. */
  listChanged?: ListChangedHandlers;
  /** Runs before connecting: install the client's own request handlers here (roots/list…). */
  configure?: (client: Client) => void;
}

/**
 * Connects a client to a runtime inside this process
: the same `serveStdio` entry the CLI
 * serves, over a linked in-memory pair instead of pipes. With `auth`, the client is an
 * authenticated caller instead: requests go through the SDK's HTTP handler in-process (no
 * socket), which hands the verified identity to the runtime, as the HTTP transport does.
 */
export async function connectInProcess(
  runtime: Runtime,
  options: InProcessOptions = {},
): Promise<OwnedClient> {
  const client = new OwnedClient(
    { name: options.clientName ?? 'mcpkit', version: VERSION },
    {
      ...eraClientOptions(options.era ?? 'legacy'),
      ...(options.capabilities ? { capabilities: options.capabilities } : {}),
      ...(options.listChanged ? { listChanged: options.listChanged } : {}),
    },
  );
  options.configure?.(client);
  let transport: InMemoryTransport | StreamableHTTPClientTransport;
  if (options.auth) {
    const auth = options.auth;
    const handler = createMcpHandler(runtime.factory);
    client.onClose(() => handler.close());
    transport = new StreamableHTTPClientTransport(new URL('http://in-process.invalid/mcp'), {
      fetch: (url, init) => handler.fetch(new Request(url, init), { authInfo: auth }),
    });
  } else {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const handle = serveOnConnection(runtime, serverEnd);
    client.onClose(() => handle.close());
    transport = clientEnd;
  }
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}
