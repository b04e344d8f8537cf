import {
  type AnyResourceDefinition,
  applyPolicy,
  type ContentsSpec,
  type DynamicSource,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineServer,
  defineTool,
  type HandlerContext,
  jsonSchema,
  type Logger,
  type PolicyOptions,
  type PromptDefinition,
  redactSecrets,
  type ServerModule,
  type ToolDefinition,
  ToolError,
  toolError,
  type WatchResource,
} from '@mcpkit/core';
import type {
  CallToolResult,
  Client,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType,
  Tool,
} from '@modelcontextprotocol/client';
import { UriTemplate } from '@modelcontextprotocol/client';
import * as z from 'zod';
import type { CatalogCache } from '../pinning/catalog.js';
import { type PinStore, toolFingerprint } from '../pinning/pins.js';
import { type PoolOptions, UpstreamPool, type UpstreamScope } from '../upstream/pool.js';
import type { LifecycleInput, UpstreamTarget } from '../upstream/spec.js';
import {
  type UpstreamState,
  type UpstreamStatus,
  UpstreamSupervisor,
  UpstreamUnavailableError,
} from '../upstream/supervisor.js';
import { nameBudget, namespaceFor, servedName } from './names.js';

export interface UpstreamModuleOptions {
  /** The config key: the module's name, the server named in errors, the pinning key. */
  name: string;
  /** The namespace the module is composed under (for the 64-character name budget). */
  namespace?: string;
  target: UpstreamTarget;
  lifecycle?: LifecycleInput;
  /** Who shares one upstream (default "shared"). */
  scope?: UpstreamScope;
  pool?: PoolOptions;
  /** This server's own policy, on the upstream's tool names; read-only trusts readOnlyHint only. */
  policy?: Pick<PolicyOptions, 'readOnly' | 'allow' | 'deny'>;
  /** Per-call time limit for this server's tools (ms); the runtime's default otherwise. */
  timeoutMs?: number;
  /** Last-seen lists, so a lazy upstream is listed at start without being started. */
  catalogCache?: CatalogCache;
  /** Tool-description pinning; without it, descriptions are not pinned. */
  pins?: PinStore;
  /** Waits this long for more list changes before reloading (ms). Default 100. */
  listDebounceMs?: number;
  /** Ping the upstream this often; no answer counts as a crash. Default 30 s for remote, off for stdio. */
  pingIntervalMs?: number;
  /** Variables stdio upstreams inherit (default: the gateway's allow-list). */
  inheritEnv?: readonly string[];
  logger?: Logger;
  version?: string;
}

export interface HiddenTool {
  tool: string;
  reason: string;
  pinned: string;
  seen: string;
  since: string;
}

export interface GatewayUpstreamStatus extends UpstreamStatus {
  namespace: string;
  scope: UpstreamScope;
  tools: number;
  /** Tools hidden because their description or schema changed since they were pinned. */
  hiddenTools: HiddenTool[];
  /** Isolated scopes only: how many instances run, and the ones the asking principal may see. */
  instanceCount?: number;
  instances?: Array<{ key: string; state: UpstreamState; pid?: number; restarts: number }>;
}

/** One upstream server, as a module the toolkit serves, composes and polices like its own. */
export interface GatewayUpstream {
  readonly name: string;
  readonly namespace: string;
  readonly module: ServerModule;
  /** The status; with `principal`, only that principal's isolated instances are listed. */
  status(stderrLines?: number, principal?: string): GatewayUpstreamStatus;
  /** Approves changed tools (one, or all of this server) and serves them again; returns their names. */
  approve(tool?: string): string[];
  /** Starts the upstream again (after it was parked as failed). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

interface Listed {
  tools: Tool[];
  resources: Resource[];
  templates: ResourceTemplateType[];
  prompts: Prompt[];
}

const UNAVAILABLE = (name: string) =>
  `[Unavailable: upstream server "${name}" is down; calls fail until it is back]`;

/** Level names of MCP logging mapped to the handler logger's four. */
const LOG_LEVEL = {
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
  alert: 'error',
  emergency: 'error',
} as const;

/**
 * An upstream MCP server (stdio command or URL) as a dynamic module: its tools, resources,
 * resource templates and prompts are forwarded under names the toolkit accepts, list changes
 * reload them (debounced), calls carry progress, cancellation and log messages through, and
 * policy (allow/deny, read-only by readOnlyHint) removes tools before anything can call them.
 * While the upstream is down its last known tools stay listed, marked unavailable, and a call
 * gets an error naming the server; when it is back, the fresh lists replace them.
 */
export function createUpstreamModule(options: UpstreamModuleOptions): GatewayUpstream {
  const server = options.name;
  const namespace = options.namespace ?? namespaceFor(server);
  const budget = nameBudget(namespace);
  const scope = options.scope ?? 'shared';
  const logger = options.logger;
  const inflight = new Map<UpstreamSupervisor, Set<HandlerContext>>();

  const makeSupervisor = (key: string) => {
    const supervisor = new UpstreamSupervisor({
      name: server,
      target: options.target,
      ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
      ...(options.inheritEnv ? { inheritEnv: options.inheritEnv } : {}),
      // A dead stdio child is seen at once (exit); a remote server that went away only by asking.
      pingIntervalMs: options.pingIntervalMs ?? (options.target.kind === 'remote' ? 30_000 : 0),
      clientInfo: { name: 'mcpkit-gateway', version: options.version ?? '0.1.0' },
      ...(logger ? { onStderrLine: (line: string) => logger.debug({ upstream: server, key }, line) } : {}),
    });
    supervisor.on('log', (params) => forwardLog(supervisor, params));
    supervisor.on('state', (status) => {
      if (status.state === 'failed')
        logger?.warn({ upstream: server, key }, `upstream failed: ${status.lastError}`);
    });
    return supervisor;
  };
  const catalog = makeSupervisor('catalog');
  const pool = scope === 'shared' ? undefined : new UpstreamPool(scope, makeSupervisor, options.pool);
  /** Runs `use` on the caller's instance: the shared one, or its own (kept from eviction meanwhile). */
  const onInstance = <T>(
    ctx: HandlerContext,
    use: (supervisor: UpstreamSupervisor) => Promise<T>,
  ): Promise<T> => {
    if (!pool) return use(catalog);
    const sessionId = (ctx as { sessionId?: unknown }).sessionId;
    const key = pool.keyFor({
      principal: ctx.principal,
      ...(typeof sessionId === 'string' ? { sessionId } : {}),
    });
    return pool.use(key, use);
  };

  /**
   * Upstream log messages are not tied to a request on the wire; they go to the call in flight on
   * that upstream, when every call in flight there is the same principal's (never across users).
   */
  function forwardLog(
    supervisor: UpstreamSupervisor,
    params: { level: string; data?: unknown; logger?: string },
  ) {
    const calls = [...(inflight.get(supervisor) ?? [])];
    const principals = new Set(calls.map((ctx) => ctx.principal));
    const data = typeof params.data === 'string' ? params.data : JSON.stringify(params.data ?? null);
    const message = redactSecrets(`[${server}${params.logger ? `/${params.logger}` : ''}] ${data}`).slice(
      0,
      4000,
    );
    if (calls.length === 0 || principals.size !== 1) {
      logger?.debug({ upstream: server }, message);
      return;
    }
    const level = LOG_LEVEL[params.level as keyof typeof LOG_LEVEL] ?? 'info';
    calls.at(-1)!.log[level](message);
  }

  function withClient<T>(ctx: HandlerContext, use: (client: Client) => Promise<T>): Promise<T> {
    return onInstance(ctx, async (supervisor) => {
      const client = await supervisor.client(); // throws UpstreamUnavailableError naming the server
      const calls = inflight.get(supervisor) ?? new Set<HandlerContext>();
      inflight.set(supervisor, calls);
      calls.add(ctx);
      try {
        return await use(client);
      } catch (error) {
        throw callError(error, supervisor);
      } finally {
        calls.delete(ctx);
        if (calls.size === 0) inflight.delete(supervisor);
      }
    });
  }

  /** What a failed call says: the server's name, what happened, what to do; no secrets. */
  function callError(error: unknown, supervisor: UpstreamSupervisor): ToolError {
    if (error instanceof UpstreamUnavailableError) return new ToolError(error.message, { code: -32603 });
    if (supervisor.state !== 'ready')
      return new ToolError(supervisor.unavailable().message, { code: -32603 });
    const code =
      typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -32603;
    const text = error instanceof Error ? error.message : String(error);
    if (/connection closed/i.test(text)) {
      return new ToolError(
        `Upstream server "${server}" closed the connection during the call; it restarts automatically, retry shortly.`,
        { code: -32603 },
      );
    }
    return new ToolError(`Upstream server "${server}": ${redactSecrets(text).slice(0, 2000)}`, { code });
  }

  /** One tools/call upstream: progress relayed in order (all of it before the result), abort passed on. */
  async function forwardCall(name: string, input: Record<string, unknown>, ctx: HandlerContext) {
    let progressed = false;
    try {
      const result = await withClient(ctx, (client) =>
        client.request(
          { method: 'tools/call', params: { name, arguments: input } },
          {
            signal: ctx.signal,
            // Sent at once, in order; not awaited (a notification's send may settle only later).
            onprogress: (p) => {
              progressed = true;
              void ctx.progress(p.progress, p.total, p.message);
            },
            resetTimeoutOnProgress: true,
            timeout: options.timeoutMs ?? 10 * 60_000,
          },
        ),
      );
      // The caller's SDK runs a notification a turn after it arrives, a response at once: one turn
      // lets the last progress reach the caller before the result does.
      if (progressed) await new Promise((resolve) => setImmediate(resolve));
      return result as CallToolResult;
    } catch (error) {
      return toolError((error as Error).message);
    }
  }

  // ---- the upstream's lists, as last seen, and their toolkit definitions (kept by identity) ----

  let listed: Listed = { tools: [], resources: [], templates: [], prompts: [] };
  const hidden = new Map<string, HiddenTool>();
  const made = new Map<string, object>();
  let used = new Set<string>();
  const once = <T extends object>(key: string, make: () => T | undefined): T | undefined => {
    used.add(key);
    const cached = made.get(key) as T | undefined;
    if (cached) return cached;
    const value = make();
    if (value) made.set(key, value);
    return value;
  };

  async function refreshLists(): Promise<void> {
    if (catalog.state === 'idle') {
      const cached = catalog.lifecycle.start === 'lazy' ? options.catalogCache?.get(server) : undefined;
      if (cached) {
        // Lazy with a catalog: listed from it; the first call starts the upstream, which lists again.
        listed = cached as unknown as Listed;
        return;
      }
      const starting = catalog.start();
      // Lazy: serving does not wait; the lists arrive with the upstream's first list change.
      if (catalog.lifecycle.start === 'eager') await starting;
      else return;
    }
    if (catalog.state === 'starting') await catalog.start();
    if (catalog.state !== 'ready') return;
    let client: Client;
    try {
      client = await catalog.client();
    } catch {
      return;
    }
    const caps = client.getServerCapabilities() ?? {};
    const fresh = { cacheMode: 'refresh' as const };
    const keep = <T>(promise: Promise<T>, previous: T) =>
      promise.catch((error: unknown) => {
        logger?.warn({ upstream: server, err: error }, 'list failed; keeping the last one');
        return previous;
      });
    const [tools, resources, templates, prompts] = await Promise.all([
      caps.tools
        ? keep(
            client.listTools(undefined, fresh).then((r) => r.tools),
            listed.tools,
          )
        : [],
      caps.resources
        ? keep(
            client.listResources(undefined, fresh).then((r) => r.resources),
            listed.resources,
          )
        : [],
      caps.resources
        ? keep(
            client.listResourceTemplates(undefined, fresh).then((r) => r.resourceTemplates),
            listed.templates,
          )
        : [],
      caps.prompts
        ? keep(
            client.listPrompts(undefined, fresh).then((r) => r.prompts),
            listed.prompts,
          )
        : [],
    ]);
    listed = { tools, resources, templates, prompts };
    options.catalogCache?.set(server, listed);
  }

  function contents(): ContentsSpec {
    const built = build();
    // Forget definitions of items the upstream no longer has (they are made again if it comes back).
    for (const key of made.keys()) if (!used.has(key)) made.delete(key);
    used = new Set();
    return built;
  }

  function build(): ContentsSpec {
    // Not yet started (lazy) counts as up: a call starts it.
    const up = ['ready', 'idle', 'starting'].includes(catalog.state);
    const tools: ToolDefinition[] = [];
    for (const tool of listed.tools) {
      if (options.pins) {
        const verdict = options.pins.check(server, tool);
        if (verdict.status === 'changed') {
          if (!hidden.has(tool.name)) {
            logger?.warn({ upstream: server, tool: tool.name }, 'tool changed since it was pinned; hidden');
          }
          hidden.set(tool.name, {
            tool: tool.name,
            reason: 'its description, schema or annotations changed since first seen; approve to serve it',
            pinned: verdict.pinned,
            seen: verdict.seen,
            since: verdict.since,
          });
          continue;
        }
        hidden.delete(tool.name);
      }
      if (hidden.has(tool.name)) continue;
      const definition = toolDefinition(tool, up);
      if (definition) tools.push(definition);
    }
    const resources: AnyResourceDefinition[] = [];
    for (const resource of listed.resources) {
      const definition = resourceDefinition(resource);
      if (definition) resources.push(definition);
    }
    for (const template of listed.templates) {
      const definition = templateDefinition(template);
      if (definition) resources.push(definition);
    }
    const prompts: PromptDefinition[] = [];
    for (const prompt of listed.prompts) {
      const definition = promptDefinition(prompt);
      if (definition) prompts.push(definition);
    }
    return { tools, resources, prompts };
  }

  function toolDefinition(tool: Tool, available: boolean): ToolDefinition | undefined {
    return once(`tool|${available}|${tool.name}|${toolFingerprint(tool)}`, () => {
      const description = tool.description?.trim() || `The "${tool.name}" tool of ${server}.`;
      try {
        return defineTool({
          name: servedName(tool.name, budget),
          ...(tool.title ? { title: tool.title } : {}),
          description: available ? description : `${UNAVAILABLE(server)} ${description}`,
          input: schemaOf(tool.inputSchema) ?? jsonSchema({ type: 'object' }),
          ...(tool.outputSchema && schemaOf(tool.outputSchema)
            ? { output: schemaOf(tool.outputSchema)! }
            : {}),
          ...(tool.annotations ? { annotations: tool.annotations } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          handler: (input: Record<string, unknown>, ctx: HandlerContext) =>
            forwardCall(tool.name, input, ctx),
        });
      } catch (error) {
        logger?.warn({ upstream: server, tool: tool.name, err: error }, 'tool not served');
        return undefined;
      }
    });
  }

  const readThrough = (uri: string, ctx: HandlerContext) =>
    withClient(ctx, (client) =>
      client.readResource({ uri }, { signal: ctx.signal, cacheMode: 'bypass' }),
    ) as Promise<ReadResourceResult>;

  function resourceDefinition(resource: Resource): AnyResourceDefinition | undefined {
    return once(`resource|${JSON.stringify(resource)}`, () => {
      try {
        return defineResource({
          name: servedName(resource.name, budget),
          uri: resource.uri,
          title: resource.title ?? resource.name,
          ...(resource.description ? { description: resource.description } : {}),
          ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
          read: (_uri, ctx) => readThrough(resource.uri, ctx),
        });
      } catch {
        return undefined; // a URI that does not parse cannot be registered
      }
    });
  }

  function templateDefinition(template: ResourceTemplateType): AnyResourceDefinition | undefined {
    return once(`template|${JSON.stringify(template)}`, () => {
      try {
        return defineResourceTemplate({
          name: servedName(template.name, budget),
          uriTemplate: template.uriTemplate,
          title: template.title ?? template.name,
          ...(template.description ? { description: template.description } : {}),
          ...(template.mimeType ? { mimeType: template.mimeType } : {}),
          read: (uri, _variables, ctx) => readThrough(uri.href, ctx),
        });
      } catch {
        return undefined;
      }
    });
  }

  function promptDefinition(prompt: Prompt): PromptDefinition | undefined {
    return once(`prompt|${JSON.stringify(prompt)}`, () => {
      const shape: Record<string, z.ZodType<string | undefined>> = {};
      for (const arg of prompt.arguments ?? []) {
        const base = arg.description ? z.string().describe(arg.description) : z.string();
        shape[arg.name] = arg.required ? base : base.optional();
      }
      try {
        return definePrompt({
          name: servedName(prompt.name, budget),
          ...(prompt.title ? { title: prompt.title } : {}),
          description: prompt.description?.trim() || `The "${prompt.name}" prompt of ${server}.`,
          args: z.object(shape),
          get: (args: Record<string, string | undefined>, ctx) =>
            withClient(ctx, (client) =>
              client.getPrompt(
                {
                  name: prompt.name,
                  arguments: Object.fromEntries(
                    Object.entries(args).filter((entry): entry is [string, string] => entry[1] !== undefined),
                  ),
                },
                { signal: ctx.signal },
              ),
            ) as Promise<GetPromptResult>,
        });
      } catch {
        return undefined;
      }
    });
  }

  // ---- resource subscriptions: one upstream subscription per watched URI, renewed after a restart ----

  const watched = new Map<string, Set<() => void>>();
  catalog.on('resourceUpdated', (uri) => {
    for (const onChange of [...(watched.get(uri) ?? [])]) onChange();
  });
  catalog.on('state', (status) => {
    if (status.state === 'ready') for (const uri of watched.keys()) void subscription(uri, true);
  });
  async function subscription(uri: string, on: boolean): Promise<void> {
    try {
      if (!on && catalog.state !== 'ready') return;
      const client = await catalog.client();
      if (!client.getServerCapabilities()?.resources?.subscribe) return;
      if (on) await client.subscribeResource({ uri });
      else await client.unsubscribeResource({ uri });
    } catch (error) {
      logger?.debug({ upstream: server, uri, err: error }, 'resource subscription not changed');
    }
  }
  const servesUri = (uri: string) =>
    listed.resources.some((r) => r.uri === uri) ||
    listed.templates.some((t) => {
      try {
        return new UriTemplate(t.uriTemplate).match(uri) !== null;
      } catch {
        return false;
      }
    });
  const watch: WatchResource = (uri, onChange) => {
    if (!servesUri(uri)) return undefined;
    let listeners = watched.get(uri);
    if (!listeners) {
      listeners = new Set();
      watched.set(uri, listeners);
      void subscription(uri, true);
    }
    listeners.add(onChange);
    return () => {
      listeners.delete(onChange);
      if (listeners.size === 0 && watched.get(uri) === listeners) {
        watched.delete(uri);
        void subscription(uri, false);
      }
    };
  };

  // ---- the module ----

  let announce: (() => void) | undefined;
  const source: DynamicSource = {
    async load() {
      await refreshLists();
      return contents();
    },
    subscribe(changed) {
      let timer: NodeJS.Timeout | undefined;
      const soon = () => {
        clearTimeout(timer);
        timer = setTimeout(changed, options.listDebounceMs ?? 100);
      };
      announce = changed;
      const off = catalog.on('listChanged', soon);
      return () => {
        clearTimeout(timer);
        off();
        announce = undefined;
      };
    },
  };

  const close = async () => {
    await Promise.all([catalog.stop(), pool?.closeAll()]);
  };
  const defined = defineServer({
    name: server,
    version: options.version ?? '0.1.0',
    source,
    watch,
    close,
    onError: (error) => logger?.warn({ upstream: server, err: error }, 'upstream list problem'),
  });
  const module = applyPolicy(defined, options.policy ?? {});

  return {
    name: server,
    namespace,
    module,
    status(stderrLines = 20, principal) {
      // A caller sees its own isolated instances only (keys name principals), and how many there are.
      const mine = (key: string) =>
        principal === undefined || key === `principal:${principal}` || key === `session:${principal}`;
      return {
        ...catalog.status(stderrLines),
        namespace,
        scope,
        tools: module.tools.length,
        hiddenTools: [...hidden.values()],
        ...(pool
          ? {
              instanceCount: pool.keys().length,
              instances: pool
                .statuses()
                .filter((s) => mine(s.key))
                .map((s) => ({
                  key: s.key,
                  state: s.state,
                  ...(s.pid ? { pid: s.pid } : {}),
                  restarts: s.restarts,
                })),
            }
          : {}),
      };
    },
    approve(tool) {
      const approved = options.pins?.approve(server, tool) ?? [];
      for (const name of approved) hidden.delete(name);
      if (approved.length) announce?.();
      return approved;
    },
    async restart() {
      await catalog.restart();
    },
    close,
  };
}

/** An upstream's JSON Schema as a tool schema the SDK validates; undefined when it cannot compile. */
function schemaOf(schema: unknown) {
  if (!schema || typeof schema !== 'object' || (schema as { type?: unknown }).type !== 'object')
    return undefined;
  try {
    return jsonSchema(schema as Parameters<typeof jsonSchema>[0]);
  } catch {
    return undefined;
  }
}
