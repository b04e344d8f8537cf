import type { PromptDefinition } from './prompt.js';
import type { AnyResourceDefinition, ResourceDefinition, ResourceTemplateDefinition } from './resource.js';
import type { ToolDefinition } from './tool.js';

/**
 * Watches one resource URI for changes. Returns a function that stops watching, or undefined
 * when this module does not serve that URI. Called only for URIs a client subscribed to.
 */
export type WatchResource = (uri: string, onChange: () => void) => (() => void) | undefined;

/**
 * A server module: plain data plus handlers, independent of transport and protocol era.
 * Serve it alone, compose it with others, or call its handlers directly in a unit test.
 */
export interface ServerModule {
  readonly name: string;
  readonly version: string;
  readonly title?: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  readonly resources: readonly ResourceDefinition[];
  readonly resourceTemplates: readonly ResourceTemplateDefinition[];
  readonly prompts: readonly PromptDefinition[];
  readonly watch?: WatchResource;
  /** Releases what the module holds (pools, watchers). Called once when serving ends. */
  readonly close?: () => Promise<void>;
}

export interface ServerSpec {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
  tools?: readonly ToolDefinition[];
  resources?: readonly AnyResourceDefinition[];
  prompts?: readonly PromptDefinition[];
  watch?: WatchResource;
  close?: () => Promise<void>;
}

/** Assembles a server module, refusing duplicate names (the SDK would fail later, less clearly). */
export function defineServer(spec: ServerSpec): ServerModule {
  const resources = (spec.resources ?? []).filter((r): r is ResourceDefinition => r.kind === 'resource');
  const resourceTemplates = (spec.resources ?? []).filter(
    (r): r is ResourceTemplateDefinition => r.kind === 'resourceTemplate',
  );
  const module: ServerModule = {
    name: spec.name,
    version: spec.version,
    title: spec.title,
    instructions: spec.instructions,
    tools: spec.tools ?? [],
    resources,
    resourceTemplates,
    prompts: spec.prompts ?? [],
    watch: spec.watch,
    close: spec.close,
  };
  assertUnique(module);
  return Object.freeze(module);
}

/** Throws a clear error on two tools, prompts, resources or templates sharing a name or URI. */
export function assertUnique(module: ServerModule, origins?: Map<object, string>): void {
  const check = (kind: string, items: readonly object[], key: (item: any) => string) => {
    const seen = new Map<string, object>();
    for (const item of items) {
      const k = key(item);
      const first = seen.get(k);
      if (first) {
        const from = (x: object) => (origins?.get(x) ? ` (from "${origins.get(x)}")` : '');
        throw new Error(`Name collision: ${kind} "${k}" is defined twice${from(first)}${from(item)}`);
      }
      seen.set(k, item);
    }
  };
  check('tool', module.tools, (t) => t.name);
  check('prompt', module.prompts, (p) => p.name);
  check('resource URI', module.resources, (r) => r.uri);
  check('resource template', module.resourceTemplates, (r) => r.uriTemplate);
  check('resource name', [...module.resources, ...module.resourceTemplates], (r) => r.name);
}
