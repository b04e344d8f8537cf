import {
  type AuthInfo,
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type GetPromptResult,
  type McpRequestContext,
  McpServer,
  type McpServerFactory,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  type Resource,
  ResourceTemplate,
  type ServerCapabilities,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import * as z from 'zod';
import { PushAsker } from '../ask/askers.js';
import { type RoundTripOptions, RoundTrips } from '../ask/round-trips.js';
import type { Asker, AskKind, Question } from '../ask/types.js';
import { boundedHealth, HEALTH_TIMEOUT_MS } from '../compose/health.js';
import { type Era, type HandlerContext, principalOf } from '../define/context.js';
import type { PromptDefinition } from '../define/prompt.js';
import type { ResourceDefinition, ResourcePage, ResourceTemplateDefinition } from '../define/resource.js';
import type { ListKind, ModuleHealth, ServerModule } from '../define/server.js';
import type { ToolDefinition } from '../define/tool.js';
import { describeError } from '../errors/sanitize.js';
import { decodeCursor, encodeCursor } from '../kit/cursor.js';
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
import { TASKS_EXTENSION } from '../tasks/store.js';
import { declaresTasks, type LiveTask, type TaskOptions, Tasks, tasksRequired } from '../tasks/tasks.js';

import { CallStats } from './call-stats.js';
import { type ConfirmOption, type ConfirmPolicy, confirmCall, confirmPolicyOf } from './confirm.js';
import { type Connection, handlerContext } from './context.js';
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
  /**
   * Ask the user before a destructive tool runs (`'destructive'`), and what to do when the client
   * cannot ask (`{ tools: 'destructive', withoutElicitation: 'proceed' }`; refused by default).
   */
  confirm?: ConfirmOption;
  /** How 2026-07-28 request state is signed (the key to share across nodes, its lifetime). */
  requestState?: RoundTripOptions;
  /**
   * The Tasks extension (2026-07-28): where tasks are kept and for how long. Tools opt in with
   * `taskSupport`; `false` turns tasks off (every call answers at once).
   */
  tasks?: TaskOptions | false;
}

/** A module made servable: the policy applied, the middleware compiled, and a server factory. */
export interface Runtime {
  readonly module: ServerModule;
  /** Builds a fresh McpServer per connection (stdio) or request (HTTP). Cheap: all costly setup is done. */
  readonly factory: McpServerFactory;
  readonly logger: Logger;
  /** What has been called (counts, in flight, recent calls): read by the HTTP metrics and status page. */
  readonly stats: CallStats;
  /**
   * The module's dependencies (a database), for `/readyz`, the status page and the metrics;
   * present when the module reports them. Never hangs: a late report counts as down.
   */
  readonly health?: ModuleHealth;
  /** Dynamic modules: tells what changed, e.g. for an HTTP event bus. Returns a stop function. */
  onListChanged(listener: (kinds: readonly ListKind[]) => void): () => void;
  close(): Promise<void>;
}

/** The built-in chain, outermost first, as `createRuntime` assembles it. */
async function builtInMiddleware(options: RuntimeOptions, stats: CallStats) {
  const layers: Middleware[] = [errorMapping(), stats.middleware];
  if (options.audit !== false) layers.push(audit());
  const limiter = options.rateLimit ? await createRateLimiter(options.rateLimit) : undefined;
  if (limiter) layers.push(limiter.middleware);
  layers.push(timeout({ ms: options.timeoutMs ?? 60_000 }));
  layers.push(outputLimit({ maxBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES }));
  // The cache gets settings of this runtime's own: closing the runtime closes the Redis
  // connection the cache opened with them (see closeCacheStores), and no other runtime's.
  const sharedCache = options.cache?.redis ? { ...options.cache.redis } : undefined;
  if (options.cache && options.cache.ttlMs > 0) {
    layers.push(cache({ ...options.cache, ...(sharedCache ? { redis: sharedCache } : {}) }));
  }
  layers.push(...(options.middleware ?? []));
  const close = async () => {
    await limiter?.close();
    if (sharedCache) {
      const { closeCacheStores } = await import('../redis/cache-store.js');
      await closeCacheStores(sharedCache);
    }
  };
  return { layers, close };
}

export async function createRuntime(source: ServerModule, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? silentLogger();
  const module = applyPolicy(source, options.policy);
  await module.start?.();
  const stats = new CallStats();
  const { layers, close: closeMiddleware } = await builtInMiddleware(options, stats);
  const chain = compileChain(layers);
  // The scope filter is compiled once per tool list (a dynamic module's list changes).
  let scopedFor: readonly ToolDefinition[] | undefined;
  let scoped: ReturnType<typeof scopeFilter> = () => [];
  const toolsFor = (auth: AuthInfo | undefined) => {
    if (module.tools !== scopedFor) {
      scopedFor = module.tools;
      scoped = scopeFilter(module.tools, options.policy?.scopes);
    }
    return scoped(auth);
  };
  const dynamic = Boolean(module.onListChanged);
  const roundTrips = new RoundTrips(options.requestState);
  const confirm = confirmPolicyOf(options.confirm);
  const tasks = options.tasks === false ? undefined : new Tasks(options.tasks ?? {}, logger);
  // Tasks are offered when a tool may run as one (a dynamic module's tools are not known ahead).
  const offersTasks = Boolean(tasks) && (dynamic || module.tools.some(isTaskCapable));
  // Instances that outlive one request (stdio connections, 2025 sessions) follow list changes.
  const live = new Set<Registrations>();
  const listeners = new Set<(kinds: readonly ListKind[]) => void>();
  const stopFollowing = module.onListChanged?.((kinds) => {
    for (const registrations of live) registrations.sync(kinds);
    for (const listener of listeners) listener(kinds);
  });

  const factory: McpServerFactory = (request: McpRequestContext) => {
    const era: Era = request.era;
    const auth = request.authInfo;
    const server = new McpServer(
      { name: module.name, version: module.version, ...(module.title ? { title: module.title } : {}) },
      {
        capabilities: {
          ...capabilitiesOf(module),
          ...(offersTasks && era === 'modern' ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
        },
        ...(module.instructions ? { instructions: module.instructions } : {}),
        maxToolInputElements: options.maxInputElements ?? 100_000,
        requestState: { verify: roundTrips.verifierFor(principalOf(auth)) },
      },
    );
    const connection = { era, auth, logger, ...(era === 'legacy' ? { listRoots: clientRoots(server) } : {}) };
    const asking: Asking =
      era === 'legacy'
        ? (sdk, call, _input, run) => run(new LegacyAsker(server, sdk, call as unknown as RunningCall))
        : (sdk, call, input, run) => {
            const round = { principal: call.principal, name: `${call.kind}:${call.name}`, input };
            return roundTrips
              .begin(sdk, round)
              .then((asker) => roundTrips.run(asker, round, () => run(asker)) as Promise<CallOutcome>);
          };
    const registrations = new Registrations(server, module, chain, connection, () => toolsFor(auth), {
      asking,
      confirm,
      tasks,
      maxInputElements: options.maxInputElements ?? 100_000,
    });
    registrations.sync(['tools', 'prompts', 'resources']);
    if (offersTasks && era === 'modern' && tasks)
      installTasks(server, registrations, tasks, principalOf(auth));
    if (dynamic) {
      live.add(registrations);
      const previous = server.server.onclose;
      server.server.onclose = () => {
        previous?.();
        live.delete(registrations);
      };
    }
    if (dynamic || module.resources.length || module.resourceTemplates.length) {
      installPagedResourceList(server, module, (sdk) => handlerContext(sdk, sdk.mcpReq, connection));
    }
    if (module.watch && era === 'legacy') installLegacySubscriptions(server, module, logger);
    return server;
  };

  // A composed module bounds each part; this bound, a little longer, covers a module served alone.
  const health = module.health
    ? boundedHealth(module.health, module.name, HEALTH_TIMEOUT_MS + 200)
    : undefined;
  return {
    module,
    factory,
    logger,
    stats,
    ...(health ? { health } : {}),
    onListChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      stopFollowing?.();
      listeners.clear();
      live.clear();
      await closeMiddleware();
      await tasks?.close();
      await module.close?.();
    },
  };
}

/**
 * What an instance declares. A dynamic module declares every list up front, with listChanged:
 * capabilities cannot be added once a client is connected.
 */
function capabilitiesOf(module: ServerModule): ServerCapabilities {
  const dynamic = Boolean(module.onListChanged);
  const resources = {
    ...(module.watch ? { subscribe: true } : {}),
    ...(dynamic ? { listChanged: true } : {}),
  };
  return {
    logging: {},
    ...(dynamic ? { tools: { listChanged: true }, prompts: { listChanged: true }, completions: {} } : {}),
    ...(Object.keys(resources).length ? { resources } : {}),
  };
}

type Removable = { remove(): void };

/**
 * A 2025-era call's asker (requests on the connection), made on the first question: most calls
 * never ask, and a PushAsker with its closures and answer map per call is most of a trivial
 * call's allocation.
 */
class LegacyAsker implements Asker {
  private asker: PushAsker | undefined;

  constructor(
    private readonly server: McpServer,
    private readonly sdk: ServerContext,
    private readonly call: RunningCall,
  ) {}

  private get inner(): PushAsker {
    if (!this.asker) {
      const { server, call } = this;
      this.asker = new PushAsker(
        this.sdk,
        () => server.server.getClientCapabilities(),
        (o) => server.server.listRoots(undefined, o),
        () => call.signal,
        () => call.hold(),
      );
    }
    return this.asker;
  }

  can(kind: AskKind): boolean {
    return this.inner.can(kind);
  }

  ask(question: Question, key: string | undefined): Promise<unknown> {
    return this.inner.ask(question, key);
  }
}

/** How a call asks the client: requests on the connection (2025) or input_required rounds (2026-07-28). */
type Asking = (
  sdk: ServerContext,
  call: Call,
  input: unknown,
  run: (asker: Asker) => Promise<CallOutcome>,
) => Promise<CallOutcome>;

/**
 * What one McpServer instance has registered, kept in step with the module: registering or
 * removing on a connected instance makes the SDK send the list_changed notification itself.
 */
class Registrations {
  private readonly tools = new Map<ToolDefinition, Removable>();
  private readonly prompts = new Map<PromptDefinition, Removable>();
  private readonly resources = new Map<ResourceDefinition | ResourceTemplateDefinition, Removable>();
  private readonly emptyInput = z.object({});

  constructor(
    private readonly server: McpServer,
    private readonly module: ServerModule,
    private readonly chain: (call: Call, next: () => Promise<CallOutcome>) => Promise<CallOutcome>,
    private readonly connection: Connection,
    private readonly currentTools: () => readonly ToolDefinition[],
    private readonly policy: {
      asking: Asking;
      confirm: ConfirmPolicy | undefined;
      tasks?: Tasks;
      maxInputElements: number;
    },
  ) {}

  /**
   * One call through the middleware chain; innermost, the handler with a context that can ask
   * (`asker` given: a task's, which waits for tasks/update; else the era's way).
   */
  private run(
    seed: CallSeed,
    sdk: ServerContext,
    handler: (ctx: HandlerContext) => Promise<CallOutcome> | CallOutcome,
    asker?: Asker,
  ) {
    const { era, auth, logger } = this.connection;
    const call = new RunningCall(seed, era, auth, logger, sdk.mcpReq.signal) as unknown as Call;
    const input = seed.kind === 'resource' ? seed.uri : seed.input;
    const inner = async (a: Asker) => handler(handlerContext(sdk, call, this.connection, a));
    return this.chain(call, () => (asker ? inner(asker) : this.policy.asking(sdk, call, input, inner)));
  }

  /** The served tool of that name, if this instance serves it. */
  toolNamed(name: string): ToolDefinition | undefined {
    for (const tool of this.tools.keys()) if (tool.name === name) return tool;
    return undefined;
  }

  /**
   * Runs a tool call as a task: the arguments checked first (a bad call is answered at once, by
   * the normal path), then the call through the same chain in the background, with the task's
   * own signal, progress and asker, and the task time limit instead of the per-call one.
   */
  async startTask(
    tool: ToolDefinition,
    args: Record<string, unknown>,
    sdk: ServerContext,
    capabilities: Parameters<Tasks['start']>[1],
  ): Promise<Record<string, unknown> | undefined> {
    const tasks = this.policy.tasks;
    if (!tasks) return undefined;
    // The same bounds as the SDK's own path: element count, then the tool's schema.
    if (elementCount(args, this.policy.maxInputElements) > this.policy.maxInputElements) return undefined;
    const schema = (tool.input ?? this.emptyInput) as { '~standard': { validate(v: unknown): unknown } };
    const checked = (await schema['~standard'].validate(args)) as { value?: unknown; issues?: unknown };
    if (checked.issues) return undefined;
    const input = checked.value as Record<string, unknown>;
    const timed = tool.timeoutMs === undefined ? { ...tool, timeoutMs: tasks.timeoutMs } : tool;
    const { era, auth, logger } = this.connection;
    const seed: CallSeed = { kind: 'tool', name: tool.name, tool: timed, input };
    const call = new RunningCall(seed, era, auth, logger, sdk.mcpReq.signal) as unknown as Call;
    // Confirmation and the tool's prepare step are settled before the task exists (in
    // input_required rounds); their answers go with the task, for the handler's own questions.
    return this.policy
      .asking(sdk, call, input, async (asker) => {
        const refused = await this.settle(tool, input, handlerContext(sdk, call, this.connection, asker));
        if (refused) return refused;
        const known = (asker as { known?: Record<string, unknown> }).known ?? {};
        return tasks.start(
          principalOf(auth),
          capabilities,
          (live) =>
            this.run(
              seed,
              taskContext(sdk, live),
              async (ctx) => tool.handler(input, ctx),
              live,
            ) as Promise<CallToolResult>,
          known,
        ) as Promise<CallOutcome>;
      })
      .catch((error: unknown) => {
        // Before the task exists a failure is the call's own: an isError result, as at once.
        if (error instanceof ProtocolError) throw error;
        return { content: [{ type: 'text', text: describeError(error) }], isError: true };
      }) as Promise<Record<string, unknown>>;
  }

  /** What runs before a tool's handler: the confirmation policy, then the tool's prepare step. */
  private async settle(
    tool: ToolDefinition,
    input: Record<string, unknown>,
    ctx: HandlerContext,
  ): Promise<CallToolResult | undefined> {
    const confirm = this.policy.confirm;
    const refused = confirm ? await confirmCall(tool, input, ctx, confirm) : undefined;
    if (refused) return refused;
    await tool.prepare?.(input, ctx);
    return undefined;
  }

  sync(kinds: readonly ListKind[]): void {
    if (kinds.includes('tools')) syncMap(this.tools, this.currentTools(), (tool) => this.registerTool(tool));
    if (kinds.includes('prompts')) syncMap(this.prompts, this.module.prompts, (p) => this.registerPrompt(p));
    if (kinds.includes('resources')) {
      const items: (ResourceDefinition | ResourceTemplateDefinition)[] = [
        ...this.module.resources,
        ...this.module.resourceTemplates,
      ];
      syncMap(this.resources, items, (r) =>
        r.kind === 'resource' ? this.registerResource(r) : this.registerTemplate(r),
      );
    }
  }

  private registerTool(tool: ToolDefinition): Removable {
    return this.server.registerTool(
      tool.name,
      {
        ...(tool.title ? { title: tool.title } : {}),
        description: tool.description,
        inputSchema: (tool.input ?? this.emptyInput) as any,
        ...(tool.output ? { outputSchema: tool.output as any } : {}),
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      },
      ((input: Record<string, unknown>, sdk: ServerContext) =>
        this.run({ kind: 'tool', name: tool.name, tool, input }, sdk, async (ctx) => {
          // Nothing to settle (no confirmation policy, no prepare step): straight to the handler.
          if (!this.policy.confirm && !tool.prepare) return tool.handler(input, ctx);
          const refused = await this.settle(tool, input, ctx);
          return refused ?? tool.handler(input, ctx);
        }) as Promise<CallToolResult>) as any,
    );
  }

  private registerResource(resource: ResourceDefinition): Removable {
    return this.server.registerResource(
      resource.name,
      resource.uri,
      {
        ...(resource.title ? { title: resource.title } : {}),
        ...(resource.description ? { description: resource.description } : {}),
        ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
      },
      (uri: URL, sdk: ServerContext) =>
        this.run({ kind: 'resource', name: resource.name, uri: uri.href, resource }, sdk, (ctx) =>
          resource.read(uri, ctx),
        ) as Promise<ReadResourceResult>,
    );
  }

  private registerTemplate(template: ResourceTemplateDefinition): Removable {
    const complete = template.complete
      ? Object.fromEntries(
          Object.entries(template.complete).map(([name, fn]) => [name, (value: string) => fn(value)]),
        )
      : undefined;
    return this.server.registerResource(
      template.name,
      new ResourceTemplate(template.uriTemplate, { list: undefined, ...(complete ? { complete } : {}) }),
      {
        ...(template.title ? { title: template.title } : {}),
        ...(template.description ? { description: template.description } : {}),
        ...(template.mimeType ? { mimeType: template.mimeType } : {}),
      },
      (uri: URL, variables: Record<string, string | string[]>, sdk: ServerContext) =>
        this.run({ kind: 'resource', name: template.name, uri: uri.href, resource: template }, sdk, (ctx) =>
          template.read(uri, variables, ctx),
        ) as Promise<ReadResourceResult>,
    );
  }

  private registerPrompt(prompt: PromptDefinition): Removable {
    return this.server.registerPrompt(
      prompt.name,
      {
        ...(prompt.title ? { title: prompt.title } : {}),
        description: prompt.description,
        argsSchema: prompt.args ?? this.emptyInput,
      },
      (input: Record<string, unknown>, sdk: ServerContext) =>
        this.run({ kind: 'prompt', name: prompt.name, prompt, input }, sdk, (ctx) =>
          prompt.get(input, ctx),
        ) as Promise<GetPromptResult>,
    );
  }
}

/**
 * The request context a task runs with once its request has been answered: the task's signal,
 * progress reported as the task's status message, and no logging to a request that is gone.
 */
function taskContext(sdk: ServerContext, live: LiveTask): ServerContext {
  return {
    ...sdk,
    mcpReq: {
      ...sdk.mcpReq,
      signal: live.signal,
      _meta: { ...sdk.mcpReq._meta, progressToken: `task:${live.taskId}` },
      notify: async (notification: { method: string; params?: Record<string, unknown> }) => {
        const p = notification.params ?? {};
        if (notification.method === 'notifications/progress') {
          live.progress(Number(p.progress), p.total as number | undefined, p.message as string | undefined);
        }
      },
      log: async () => {},
    },
  } as unknown as ServerContext;
}

/** Array elements and object members in `value`, counting stops past `limit`. */
function elementCount(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length && count <= limit) {
    const item = stack.pop();
    if (item && typeof item === 'object') {
      const children = Array.isArray(item) ? item : Object.values(item);
      count += children.length;
      if (count > limit) break;
      for (const child of children) stack.push(child);
    }
  }
  return count;
}

const isTaskCapable = (tool: ToolDefinition) =>
  tool.taskSupport === 'optional' || tool.taskSupport === 'required';

/**
 * The Tasks extension on one 2026-07-28 instance: tasks/get, tasks/update and tasks/cancel for
 * clients that declare the extension, and tools/call answered with a task for tools that may
 * run as one. The SDK has no server side for the extension yet: its tools/call handler is kept
 * and called for everything that is not a task.
 */
function installTasks(server: McpServer, registrations: Registrations, tasks: Tasks, principal: string) {
  const capabilitiesOf = (sdk: ServerContext) =>
    (sdk.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
      | ClientCapabilities
      | undefined;
  const gate = (sdk: ServerContext, method: string) => {
    if (!declaresTasks(capabilitiesOf(sdk))) throw tasksRequired(method);
  };
  const byId = z.looseObject({ taskId: z.string() });
  const anything = z.looseObject({});
  server.server.setRequestHandler('tasks/get', { params: byId, result: anything }, (params, sdk) => {
    gate(sdk, 'tasks/get');
    return tasks.get(principal, params.taskId);
  });
  server.server.setRequestHandler(
    'tasks/update',
    {
      params: z.looseObject({ taskId: z.string(), inputResponses: z.unknown().optional() }),
      result: anything,
    },
    (params, sdk) => {
      gate(sdk, 'tasks/update');
      // The SDK lifts `inputResponses` off the params of a 2026 request into the context.
      return tasks.update(principal, params.taskId, sdk.mcpReq.inputResponses ?? params.inputResponses);
    },
  );
  server.server.setRequestHandler('tasks/cancel', { params: byId, result: anything }, (params, sdk) => {
    gate(sdk, 'tasks/cancel');
    return tasks.cancel(principal, params.taskId);
  });
  // tools/call: a task-capable tool called by a client with task support becomes a task; all
  // else goes to the SDK's own handler (validation, input_required seam, result checks),
  // untouched. The SDK offers no hook here, so its stored handler is wrapped in place (once the
  // tools are registered); wrapping through setRequestHandler would run its seam twice.
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const sdkToolCall = handlers?.get('tools/call');
  if (!handlers || !sdkToolCall) return;
  handlers.set('tools/call', async (request, sdk) => {
    const params = (request as { params?: { name?: unknown; arguments?: unknown } }).params;
    const tool = typeof params?.name === 'string' ? registrations.toolNamed(params.name) : undefined;
    if (tool && isTaskCapable(tool)) {
      const capabilities = capabilitiesOf(sdk);
      if (declaresTasks(capabilities)) {
        const args = params?.arguments && typeof params.arguments === 'object' ? params.arguments : {};
        const created = await registrations.startTask(
          tool,
          args as Record<string, unknown>,
          sdk,
          capabilities,
        );
        if (created) return created;
      } else if (tool.taskSupport === 'required') {
        throw tasksRequired(`${tool.name} runs only as a task: it`);
      }
    }
    return sdkToolCall(request, sdk);
  });
}

type Handler = (request: unknown, sdk: ServerContext) => Promise<any>;

/** Removes what is no longer wanted, then registers what is new (items compared by identity). */
function syncMap<T extends object>(
  registered: Map<T, Removable>,
  wanted: readonly T[],
  register: (item: T) => Removable,
) {
  const keep = new Set(wanted);
  for (const [item, handle] of registered) {
    if (!keep.has(item)) {
      handle.remove();
      registered.delete(item);
    }
  }
  for (const item of wanted) if (!registered.has(item)) registered.set(item, register(item));
}

/** The request a resources/list cursor belongs to. */
const RESOURCE_LIST = 'resources/list';

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
  server.server.setRequestHandler('resources/list', async (request, sdk) => {
    // Read per request: a dynamic module's resources change while it is served.
    const listable = module.resourceTemplates.filter((t) => t.list);
    const staticResources: Resource[] = module.resources.map((r) => ({
      uri: r.uri,
      name: r.name,
      ...(r.title ? { title: r.title } : {}),
      ...(r.description ? { description: r.description } : {}),
      ...(r.mimeType ? { mimeType: r.mimeType } : {}),
    }));
    let source = 0;
    let inner: string | undefined;
    const cursor = request.params?.cursor;
    if (cursor !== undefined) {
      try {
        const decoded = decodeCursor<{ s?: unknown; c?: unknown }>(cursor, RESOURCE_LIST);
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
        const next = encodeCursor({ s: index, c: page.nextCursor }, RESOURCE_LIST);
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
