import {
  type AuthInfo,
  type CallToolResult,
  type GetPromptResult,
  type McpRequestContext,
  McpServer,
  type McpServerFactory,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  type Resource,
  ResourceTemplate,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import * as z from 'zod';
import type { Era } from '../define/context.js';
import type { ResourcePage } from '../define/resource.js';
import type { ServerModule } from '../define/server.js';
import { silentLogger } from '../logging/logger.js';
import { audit } from '../middleware/audit.js';
import { type CacheOptions, cache } from '../middleware/cache.js';
import { compileChain } from '../middleware/chain.js';
import { errorMapping } from '../middleware/error-mapping.js';
import { DEFAULT_MAX_OUTPUT_BYTES, outputLimit } from '../middleware/output-limit.js';
import { createRateLimiter, type RateLimitOptions } from '../middleware/rate-limit.js';
import { timeout } from '../middleware/timeout.js';
import type { Call, CallOutcome, Middleware } from '../middleware/types.js';
import { applyPolicy, type PolicyOptions, scopeFilter } from '../policy/policy.js';

import { handlerContext } from './context.js';
import { clientRoots } from './roots.js';
import { type CallSeed, RunningCall } from './running-call.js';

import { ResourceWatches } from './watches.js';

export interface RuntimeOptions {
  logger?: Logger;
  policy?: PolicyOptions;
  /** Per-call time limit (ms); 0 turns it off. Default 60 s. */
  timeoutMs?: number;
  /** Most bytes in one result. Default 256 KiB. */
  maxOutputBytes?: number;
  rateLimit?: RateLimitOptions;
  cache?: CacheOptions;
  /** One log record per call (default true). */
  audit?: boolean;
  /** Your own middleware, run inside the built-ins, nearest the handler. */
  middleware?: readonly Middleware[];
  /** Largest number of array elements and object members in one call's arguments. */
  maxInputElements?: number;
}

/** A module made servable: the policy applied, the middleware compiled, and a server factory. */
export interface Runtime {
  readonly module: ServerModule;
  /** Builds a fresh McpServer per connection (stdio) or request (HTTP). Cheap: all costly setup is done. */
  readonly factory: McpServerFactory;
  readonly logger: Logger;
  close(): Promise<void>;
}

/** The built-in chain, outermost first, as `createRuntime` assembles it. */
async function builtInMiddleware(options: RuntimeOptions) {
  const layers: Middleware[] = [errorMapping()];
  if (options.audit !== false) layers.push(audit());
  const limiter = options.rateLimit ? await createRateLimiter(options.rateLimit) : undefined;
  if (limiter) layers.push(limiter.middleware);
  layers.push(timeout({ ms: options.timeoutMs ?? 60_000 }));
  layers.push(outputLimit({ maxBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES }));
  if (options.cache && options.cache.ttlMs > 0) layers.push(cache(options.cache));
  layers.push(...(options.middleware ?? []));
  return { layers, close: () => limiter?.close() ?? Promise.resolve() };
}

export async function createRuntime(source: ServerModule, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? silentLogger();
  const module = applyPolicy(source, options.policy);
  const { layers, close: closeMiddleware } = await builtInMiddleware(options);
  const chain = compileChain(layers);
  const toolsFor = scopeFilter(module.tools, options.policy?.scopes);
  const emptyInput = z.object({});

  const runCall = (
    seed: CallSeed,
    era: Era,
    auth: AuthInfo | undefined,
    sdk: ServerContext,
    handler: (call: Call) => Promise<CallOutcome>,
  ) => {
    const call = new RunningCall(seed, era, auth, logger, sdk.mcpReq.signal) as unknown as Call;
    return chain(call, () => handler(call));
  };

  const factory: McpServerFactory = (request: McpRequestContext) => {
    const era: Era = request.era;
    const auth = request.authInfo;
    const run = (seed: CallSeed, sdk: ServerContext, handler: (call: Call) => Promise<CallOutcome>) =>
      runCall(seed, era, auth, sdk, handler);
    const server = new McpServer(
      { name: module.name, version: module.version, ...(module.title ? { title: module.title } : {}) },
      {
        capabilities: { logging: {}, ...(module.watch ? { resources: { subscribe: true } } : {}) },
        ...(module.instructions ? { instructions: module.instructions } : {}),
        maxToolInputElements: options.maxInputElements ?? 100_000,
      },
    );
    const connection = { era, auth, logger, ...(era === 'legacy' ? { listRoots: clientRoots(server) } : {}) };
    const contextFor = (call: Call, sdk: ServerContext) => handlerContext(sdk, call, connection);

    for (const tool of toolsFor(auth)) {
      server.registerTool(
        tool.name,
        {
          ...(tool.title ? { title: tool.title } : {}),
          description: tool.description,
          inputSchema: tool.input ?? emptyInput,
          ...(tool.output ? { outputSchema: tool.output } : {}),
          ...(tool.annotations ? { annotations: tool.annotations } : {}),
        },
        (input: Record<string, unknown>, sdk: ServerContext) =>
          run({ kind: 'tool', name: tool.name, tool, input }, sdk, async (call) =>
            tool.handler(input, contextFor(call, sdk)),
          ) as Promise<CallToolResult>,
      );
    }

    for (const resource of module.resources) {
      server.registerResource(
        resource.name,
        resource.uri,
        {
          ...(resource.title ? { title: resource.title } : {}),
          ...(resource.description ? { description: resource.description } : {}),
          ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
        },
        (uri: URL, sdk: ServerContext) =>
          run({ kind: 'resource', name: resource.name, uri: uri.href, resource }, sdk, async (call) =>
            resource.read(uri, contextFor(call, sdk)),
          ) as Promise<ReadResourceResult>,
      );
    }

    for (const template of module.resourceTemplates) {
      const complete = template.complete
        ? Object.fromEntries(
            Object.entries(template.complete).map(([name, fn]) => [name, (value: string) => fn(value)]),
          )
        : undefined;
      server.registerResource(
        template.name,
        new ResourceTemplate(template.uriTemplate, { list: undefined, ...(complete ? { complete } : {}) }),
        {
          ...(template.title ? { title: template.title } : {}),
          ...(template.description ? { description: template.description } : {}),
          ...(template.mimeType ? { mimeType: template.mimeType } : {}),
        },
        (uri: URL, variables: Record<string, string | string[]>, sdk: ServerContext) =>
          run(
            { kind: 'resource', name: template.name, uri: uri.href, resource: template },
            sdk,
            async (call) => template.read(uri, variables, contextFor(call, sdk)),
          ) as Promise<ReadResourceResult>,
      );
    }

    if (module.resources.length || module.resourceTemplates.length) {
      installPagedResourceList(server, module, (sdk) => handlerContext(sdk, sdk.mcpReq, connection));
    }

    for (const prompt of module.prompts) {
      server.registerPrompt(
        prompt.name,
        {
          ...(prompt.title ? { title: prompt.title } : {}),
          description: prompt.description,
          argsSchema: prompt.args ?? emptyInput,
        },
        (input: Record<string, unknown>, sdk: ServerContext) =>
          run({ kind: 'prompt', name: prompt.name, prompt, input }, sdk, async (call) =>
            prompt.get(input, contextFor(call, sdk)),
          ) as Promise<GetPromptResult>,
      );
    }

    if (module.watch && era === 'legacy') installLegacySubscriptions(server, module, logger);
    return server;
  };

  return {
    module,
    factory,
    logger,
    async close() {
      await closeMiddleware();
      await module.close?.();
    },
  };
}

/**
 * resources/list across the static resources and every listable template, with a cursor:
 * the SDK's own list is unpaginated, and a template over a large tree must not answer with
 * everything at once.
 */
function installPagedResourceList(
  server: McpServer,
  module: ServerModule,
  contextOf: (sdk: ServerContext) => ReturnType<typeof handlerContext>,
) {
  const listable = module.resourceTemplates.filter((t) => t.list);
  const staticResources: Resource[] = module.resources.map((r) => ({
    uri: r.uri,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.mimeType ? { mimeType: r.mimeType } : {}),
  }));
  server.server.setRequestHandler('resources/list', async (request, sdk) => {
    let source = 0;
    let inner: string | undefined;
    const cursor = request.params?.cursor;
    if (cursor !== undefined) {
      try {
        const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        source = Number(decoded.s);
        inner = typeof decoded.c === 'string' ? decoded.c : undefined;
        if (!Number.isInteger(source) || source < 1 || source > listable.length) throw new Error('range');
      } catch {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          'Invalid cursor: pass back a nextCursor unchanged',
        );
      }
    }
    const resources: Resource[] = source === 0 ? [...staticResources] : [];
    for (let index = Math.max(source, 1); index <= listable.length; index++) {
      const template = listable[index - 1]!;
      const page: ResourcePage = await template.list!(contextOf(sdk), index === source ? inner : undefined);
      for (const resource of page.resources) {
        resources.push({ ...(template.mimeType ? { mimeType: template.mimeType } : {}), ...resource });
      }
      if (page.nextCursor !== undefined) {
        const next = Buffer.from(JSON.stringify({ s: index, c: page.nextCursor })).toString('base64url');
        return { resources, nextCursor: next };
      }
    }
    return { resources };
  });
}

/**
 * 2025-era resources/subscribe: watch what this connection subscribed to, tell it when that
 * changes, and stop watching when it unsubscribes or goes away. (The 2026-07-28 era subscribes
 * through subscriptions/listen, which the serving entry answers; see serveOnConnection.)
 */
function installLegacySubscriptions(server: McpServer, module: ServerModule, logger: Logger) {
  const watches = new ResourceWatches(
    module,
    (uri) => {
      server.server
        .sendResourceUpdated({ uri })
        .catch((error) => logger.debug({ err: error }, 'update not sent'));
    },
    logger,
  );
  server.server.setRequestHandler('resources/subscribe', (request) => {
    const uri = request.params.uri;
    if (watches.add(uri, [uri]).length) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Cannot subscribe to ${uri}: not a resource of this server`,
      );
    }
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    watches.remove(request.params.uri);
    return {};
  });
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    watches.closeAll();
  };
}
