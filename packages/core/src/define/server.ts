import type { PromptDefinition } from './prompt.js';
import type { AnyResourceDefinition, ResourceDefinition, ResourceTemplateDefinition } from './resource.js';
import type { ToolDefinition } from './tool.js';

/**
 * Watches one resource URI for changes. Returns a function that stops watching, or undefined
 * when this module does not serve that URI. Called only for URIs a client subscribed to.
 */
export type WatchResource = (uri: string, onChange: () => void) => (() => void) | undefined;

/** The lists a client can ask for; `resources` covers resources and templates. */
export type ListKind = 'tools' | 'prompts' | 'resources';

/** A dependency's health as `/readyz`, the status page and the metrics show it (a database, an upstream). */
export interface HealthEntry {
  /** What it is: `database`, `upstream github`. No URL, no credentials. */
  readonly name: string;
  readonly state: 'up' | 'down' | 'starting' | 'unknown';
  /** One short line: why it is down, how long it has been up. No secrets. */
  readonly detail?: string;
}

/** Reports the health of what a module depends on, now. The runtime bounds how long it may take. */
export type ModuleHealth = () => Promise<readonly HealthEntry[]>;

/** What a module serves at one moment. */
export interface ModuleContents {
  readonly tools: readonly ToolDefinition[];
  readonly resources: readonly ResourceDefinition[];
  readonly resourceTemplates: readonly ResourceTemplateDefinition[];
  readonly prompts: readonly PromptDefinition[];
}

/**
 * A server module: plain data plus handlers, independent of transport and protocol era.
 * Serve it alone, compose it with others, or call its handlers directly in a unit test.
 * A dynamic module's lists change while it is served: it has `onListChanged`, and reading a list
 * gives what it serves now.
 */
export interface ServerModule extends ModuleContents {
  readonly name: string;
  readonly version: string;
  readonly title?: string;
  readonly instructions?: string;
  readonly watch?: WatchResource;
  /** Releases what the module holds (pools, watchers). Called once when serving ends. */
  readonly close?: () => Promise<void>;
  /** The health of what it depends on (a database): `down` makes `/readyz` answer 503. */
  readonly health?: ModuleHealth;
  /** Dynamic modules only: calls `listener` with the lists that changed; returns a stop function. */
  readonly onListChanged?: (listener: (kinds: readonly ListKind[]) => void) => () => void;
  /** Dynamic modules only: loads the first contents. The runtime awaits it once before serving. */
  readonly start?: () => Promise<void>;
}

/** Tools, resources (and templates) and prompts, as a spec or a dynamic source gives them. */
export interface ContentsSpec {
  tools?: readonly ToolDefinition[];
  resources?: readonly AnyResourceDefinition[];
  prompts?: readonly PromptDefinition[];
}

/**
 * Where a dynamic module's contents come from: an upstream server, a spec loaded at run time,
 * anything asynchronous. `load` gives what is served now; `subscribe` says when to load again.
 */
export interface DynamicSource {
  load(): Promise<ContentsSpec> | ContentsSpec;
  subscribe?(changed: () => void): () => void;
}

export interface ServerSpec extends ContentsSpec {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
  /** Contents that appear, change and vanish at run time, served after the static ones. */
  source?: DynamicSource;
  watch?: WatchResource;
  close?: () => Promise<void>;
  /** The health of what the module depends on (a database); `down` makes `/readyz` answer 503. */
  health?: ModuleHealth;
  /** Where a dynamic module reports what it could not load (a failed reload, a duplicate name). */
  onError?: (error: Error) => void;
}

/** Splits resources into fixed ones and templates. */
export function toContents(spec: ContentsSpec): ModuleContents {
  const all = spec.resources ?? [];
  return {
    tools: spec.tools ?? [],
    resources: all.filter((r): r is ResourceDefinition => r.kind === 'resource'),
    resourceTemplates: all.filter((r): r is ResourceTemplateDefinition => r.kind === 'resourceTemplate'),
    prompts: spec.prompts ?? [],
  };
}

/** Assembles a server module, refusing duplicate names (the SDK would fail later, less clearly). */
export function defineServer(spec: ServerSpec): ServerModule {
  const fixed = toContents(spec);
  const base = {
    name: spec.name,
    version: spec.version,
    title: spec.title,
    instructions: spec.instructions,
    watch: spec.watch,
    close: spec.close,
    ...(spec.health ? { health: spec.health } : {}),
  };
  if (!spec.source) {
    const module: ServerModule = { ...base, ...fixed };
    assertUnique(module);
    return Object.freeze(module);
  }
  assertUnique({ ...base, ...fixed });
  return dynamicModule(base, fixed, spec.source, spec.onError);
}

/** A module whose lists are those of `fixed` followed by what `source` loads, reloaded on change. */
function dynamicModule(
  base: Omit<ServerModule, keyof ModuleContents>,
  fixed: ModuleContents,
  source: DynamicSource,
  onError: ((error: Error) => void) | undefined,
): ServerModule {
  let current: ModuleContents = fixed;
  const listeners = new Set<(kinds: readonly ListKind[]) => void>();
  let stopSource: (() => void) | undefined;
  let loading: Promise<void> | undefined;
  let again = false;

  const reload = async (): Promise<void> => {
    const loaded = toContents(await source.load());
    const next = dedupe(
      {
        tools: [...fixed.tools, ...loaded.tools],
        resources: [...fixed.resources, ...loaded.resources],
        resourceTemplates: [...fixed.resourceTemplates, ...loaded.resourceTemplates],
        prompts: [...fixed.prompts, ...loaded.prompts],
      },
      (message) => onError?.(new Error(`${base.name}: ${message}`)),
    );
    const kinds = changedKinds(current, next);
    current = next;
    if (kinds.length) for (const listener of [...listeners]) listener(kinds);
  };
  // One load at a time; a change during a load loads once more after it.
  const refresh = (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = reload()
      .catch((error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        loading = undefined;
        if (again) {
          again = false;
          void refresh();
        }
      });
    return loading;
  };

  const module = withLiveContents(
    {
      ...base,
      onListChanged(listener: (kinds: readonly ListKind[]) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async start() {
        stopSource ??= source.subscribe?.(() => void refresh()) ?? (() => {});
        await refresh();
      },
      close: async () => {
        stopSource?.();
        listeners.clear();
        await base.close?.();
      },
    },
    () => current,
  );
  return Object.freeze(module);
}

/**
 * `base` with the four lists read through `contents()` on every access: how a dynamic module
 * (and anything wrapping one: compose, policy) shows what it serves now.
 */
export function withLiveContents<T extends object>(
  base: T,
  contents: () => ModuleContents,
): T & ModuleContents {
  const view = { ...base } as T & ModuleContents;
  for (const key of ['tools', 'resources', 'resourceTemplates', 'prompts'] as const) {
    Object.defineProperty(view, key, { enumerable: true, get: () => contents()[key] });
  }
  return view;
}

/** Which lists differ between two contents (by identity of their items). */
export function changedKinds(before: ModuleContents, after: ModuleContents): ListKind[] {
  const same = <T>(a: readonly T[], b: readonly T[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  const kinds: ListKind[] = [];
  if (!same(before.tools, after.tools)) kinds.push('tools');
  if (!same(before.prompts, after.prompts)) kinds.push('prompts');
  if (!same(before.resources, after.resources) || !same(before.resourceTemplates, after.resourceTemplates)) {
    kinds.push('resources');
  }
  return kinds;
}

/** Keeps the first of each name (or URI) and reports the rest: at run time a collision must not stop serving. */
export function dedupe(
  contents: ModuleContents,
  report: (message: string) => void,
  origins?: Map<object, string>,
): ModuleContents {
  const keep = <T extends object>(kind: string, items: readonly T[], key: (item: T) => string) => {
    const seen = new Map<string, T>();
    const out: T[] = [];
    for (const item of items) {
      const k = key(item);
      const first = seen.get(k);
      if (first) {
        report(`${collision(kind, k, first, item, origins)}; the second is not served`);
        continue;
      }
      seen.set(k, item);
      out.push(item);
    }
    return out;
  };
  return {
    tools: keep('tool', contents.tools, (t) => t.name),
    prompts: keep('prompt', contents.prompts, (p) => p.name),
    resources: keep('resource URI', contents.resources, (r) => r.uri),
    resourceTemplates: keep('resource template', contents.resourceTemplates, (r) => r.uriTemplate),
  };
}

function collision(kind: string, key: string, first: object, second: object, origins?: Map<object, string>) {
  const from = (x: object) => (origins?.get(x) ? ` (from "${origins.get(x)}")` : '');
  return `Name collision: ${kind} "${key}" is defined twice${from(first)}${from(second)}`;
}

/** Throws a clear error on two tools, prompts, resources or templates sharing a name or URI. */
export function assertUnique(module: ModuleContents, origins?: Map<object, string>): void {
  const check = (kind: string, items: readonly object[], key: (item: any) => string) => {
    const seen = new Map<string, object>();
    for (const item of items) {
      const k = key(item);
      const first = seen.get(k);
      if (first) throw new Error(collision(kind, k, first, item, origins));
      seen.set(k, item);
    }
  };
  check('tool', module.tools, (t) => t.name);
  check('prompt', module.prompts, (p) => p.name);
  check('resource URI', module.resources, (r) => r.uri);
  check('resource template', module.resourceTemplates, (r) => r.uriTemplate);
  check('resource name', [...module.resources, ...module.resourceTemplates], (r) => r.name);
}

/**
 * A dynamic source you set by hand: `live.set({ tools })` replaces what it serves and tells the
 * module to reload. For tests, and for servers that learn their contents from an event stream.
 */
export class LiveSource implements DynamicSource {
  #contents: ContentsSpec;
  readonly #subscribers = new Set<() => void>();

  constructor(initial: ContentsSpec = {}) {
    this.#contents = initial;
  }

  set(contents: ContentsSpec): void {
    this.#contents = contents;
    for (const changed of [...this.#subscribers]) changed();
  }

  load(): ContentsSpec {
    return this.#contents;
  }

  subscribe(changed: () => void): () => void {
    this.#subscribers.add(changed);
    return () => this.#subscribers.delete(changed);
  }
}
