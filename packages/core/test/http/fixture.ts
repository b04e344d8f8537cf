import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import * as z from 'zod';
import { eraClientOptions } from '../../src/client/in-process.js';
import type { Era } from '../../src/define/context.js';
import {
  createRuntime,
  defineResource,
  defineServer,
  defineTool,
  type Runtime,
  type RuntimeOptions,
  structured,
  text,
  textContents,
} from '../../src/index.js';
import type { HttpServeOptions } from '../../src/transports/http/options.js';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/transports/http/serve-http.js';

/** A resource whose changes the test triggers by hand (module.watch). */
export function createWatchable() {
  const listeners = new Map<string, Set<() => void>>();
  return {
    watched: () => [...listeners.keys()].filter((uri) => listeners.get(uri)!.size > 0),
    change(uri: string) {
      for (const fn of listeners.get(uri) ?? []) fn();
    },
    watch(uri: string, onChange: () => void) {
      if (!uri.startsWith('memo://')) return undefined;
      const set = listeners.get(uri) ?? new Set();
      set.add(onChange);
      listeners.set(uri, set);
      return () => set.delete(onChange);
    },
  };
}

export function createTestModule(watchable = createWatchable()) {
  return defineServer({
    name: 'http-test',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'echo',
        description: 'Echo the text back',
        input: z.object({ text: z.string() }),
        annotations: { readOnlyHint: true },
        handler: ({ text: value }) => text(value),
      }),
      defineTool({
        name: 'whoami',
        description: 'Report the verified caller',
        input: z.object({}),
        annotations: { readOnlyHint: true },
        handler: (_input, ctx) =>
          structured({ principal: ctx.principal, scopes: ctx.auth?.scopes ?? [], era: ctx.era }),
      }),
      defineTool({
        name: 'slow_echo',
        description: 'Echo after a delay (for concurrency tests)',
        input: z.object({ text: z.string(), ms: z.number().int().min(0).max(2000) }),
        annotations: { readOnlyHint: true },
        handler: async ({ text: value, ms }) => {
          await new Promise((r) => setTimeout(r, ms));
          return text(value);
        },
      }),
      defineTool({
        name: 'admin_reset',
        description: 'An admin-only tool',
        input: z.object({}),
        annotations: { destructiveHint: true },
        scopes: ['admin'],
        handler: () => text('reset'),
      }),
    ],
    resources: [
      defineResource({
        name: 'memo',
        uri: 'memo://one',
        mimeType: 'text/plain',
        read: (uri) => textContents(uri.href, 'memo one', 'text/plain'),
      }),
    ],
    watch: (uri, onChange) => watchable.watch(uri, onChange),
  });
}

export async function startServer(
  options: HttpServeOptions = {},
  runtimeOptions: RuntimeOptions = {},
  watchable = createWatchable(),
): Promise<{
  handle: HttpServerHandle;
  runtime: Runtime;
  watchable: ReturnType<typeof createWatchable>;
  close(): Promise<void>;
}> {
  const runtime = await createRuntime(createTestModule(watchable), runtimeOptions);
  const handle = await serveRuntimeOverHttp(runtime, { port: 0, ...options });
  return {
    handle,
    runtime,
    watchable,
    async close() {
      await handle.close();
      await runtime.close();
    },
  };
}

export async function connectHttp(url: URL, era: Era, token?: string): Promise<Client> {
  const client = new Client({ name: 'http-test-client', version: '1.0.0' }, eraClientOptions(era));
  await client.connect(
    new StreamableHTTPClientTransport(
      url,
      token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {},
    ),
  );
  return client;
}

/** An issuer's key pair and a JWKS of its public key. */
export async function createIssuer(alg: 'RS256' | 'ES256' = 'RS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg, use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    publicKey,
    privateKey,
    async sign(
      claims: Record<string, unknown>,
      options: { expiresIn?: string | number; notBefore?: string | number; alg?: string; kid?: string } = {},
    ) {
      let jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? alg, kid: options.kid ?? 'test-key' })
        .setIssuedAt();
      if (options.expiresIn !== undefined) jwt = jwt.setExpirationTime(options.expiresIn);
      if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
      return jwt.sign(privateKey);
    },
  };
}
