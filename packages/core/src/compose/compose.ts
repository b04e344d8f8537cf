import { assertUnique, type ServerModule, type WatchResource } from '../define/server.js';

export interface ComposeSpec {
  name: string;
  version: string;
  instructions?: string;
}

const NAMESPACE = /^[a-z][a-z0-9]{0,15}$/;

/**
 * Mounts several modules as one. Each module's tools and prompts get its namespace as a prefix
 * (`fs` + `read_text_file` -> `fs_read_text_file`); resources keep their URIs (a URI names the
 * thing itself) and get the prefix on their names. Any collision, after prefixing, is an error
 * naming both sources. An empty namespace ('') mounts a module unprefixed.
 */
export function compose(spec: ComposeSpec, mounts: Record<string, ServerModule>): ServerModule {
  const origins = new Map<object, string>();
  const tools = [];
  const prompts = [];
  const resources = [];
  const resourceTemplates = [];
  const entries = Object.entries(mounts);
  if (entries.length === 0) throw new Error('compose() needs at least one module');
  for (const [namespace, module] of entries) {
    if (namespace !== '' && !NAMESPACE.test(namespace)) {
      throw new TypeError(
        `Invalid namespace "${namespace}": use 1-16 lowercase letters and digits, starting with a letter`,
      );
    }
    const prefix = (name: string) => (namespace ? `${namespace}_${name}` : name);
    const tag = <T extends object>(item: T): T => {
      origins.set(item, namespace || module.name);
      return item;
    };
    for (const t of module.tools) tools.push(tag({ ...t, name: prefix(t.name) }));
    for (const p of module.prompts) prompts.push(tag({ ...p, name: prefix(p.name) }));
    for (const r of module.resources) resources.push(tag({ ...r, name: prefix(r.name) }));
    for (const r of module.resourceTemplates) resourceTemplates.push(tag({ ...r, name: prefix(r.name) }));
  }
  const watchers = entries.map(([, m]) => m.watch).filter((w): w is WatchResource => !!w);
  const composed: ServerModule = {
    name: spec.name,
    version: spec.version,
    instructions: spec.instructions ?? joinInstructions(entries),
    tools,
    prompts,
    resources,
    resourceTemplates,
    // The first module that serves the URI watches it.
    watch: watchers.length
      ? (uri, onChange) => {
          for (const watch of watchers) {
            const stop = watch(uri, onChange);
            if (stop) return stop;
          }
          return undefined;
        }
      : undefined,
    close: async () => {
      const results = await Promise.allSettled(entries.map(([, m]) => m.close?.()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
  assertUnique(composed, origins);
  return Object.freeze(composed);
}

function joinInstructions(entries: [string, ServerModule][]): string | undefined {
  const parts = entries
    .filter(([, m]) => m.instructions)
    .map(([ns, m]) => (ns ? `[${ns}_* tools: ${m.name}] ${m.instructions}` : m.instructions));
  return parts.length ? parts.join('\n\n') : undefined;
}
