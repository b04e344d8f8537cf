import {
  assertUnique,
  changedKinds,
  dedupe,
  type ListKind,
  type ModuleContents,
  type ServerModule,
  type WatchResource,
  withLiveContents,
} from '../define/server.js';
import { boundedHealth, joinHealth } from './health.js';

export interface ComposeSpec {
  name: string;
  version: string;
  instructions?: string;
  /** Where run-time collisions between dynamic modules are reported (the later one is not served). */
  onError?: (error: Error) => void;
}

const NAMESPACE = /^[a-z][a-z0-9]{0,15}$/;

/**
 * Mounts several modules as one. Each module's tools and prompts get its namespace as a prefix
 * (`fs` + `read_text_file` -> `fs_read_text_file`); resources keep their URIs (a URI names the
 * thing itself) and get the prefix on their names. Any collision, after prefixing, is an error
 * naming both sources; when a dynamic module brings one at run time, the later item is left out
 * and reported. An empty namespace ('') mounts a module unprefixed.
 */
export function compose(spec: ComposeSpec, mounts: Record<string, ServerModule>): ServerModule {
  const entries = Object.entries(mounts);
  if (entries.length === 0) throw new Error('compose() needs at least one module');
  for (const [namespace] of entries) {
    if (namespace !== '' && !NAMESPACE.test(namespace)) {
      throw new TypeError(
        `Invalid namespace "${namespace}": use 1-16 lowercase letters and digits, starting with a letter`,
      );
    }
  }
  const origins = new Map<object, string>();
  // Prefixed copies are made once per item, so an unchanged item keeps its identity across reloads.
  const copies = new WeakMap<object, object>();
  const prefixed = <T extends { name: string }>(namespace: string, owner: string, item: T): T => {
    if (!namespace) {
      origins.set(item, owner);
      return item;
    }
    let copy = copies.get(item) as T | undefined;
    if (!copy) {
      const servedPrefix = `${namespace}_${(item as { servedPrefix?: string }).servedPrefix ?? ''}`;
      copy = { ...item, name: `${namespace}_${item.name}`, servedPrefix };
      copies.set(item, copy);
      origins.set(copy, namespace);
    }
    return copy;
  };
  const gather = (): ModuleContents => {
    const out = {
      tools: [] as any[],
      prompts: [] as any[],
      resources: [] as any[],
      resourceTemplates: [] as any[],
    };
    for (const [ns, m] of entries) {
      const owner = ns || m.name;
      for (const t of m.tools) out.tools.push(prefixed(ns, owner, t));
      for (const p of m.prompts) out.prompts.push(prefixed(ns, owner, p));
      for (const r of m.resources) out.resources.push(prefixed(ns, owner, r));
      for (const r of m.resourceTemplates) out.resourceTemplates.push(prefixed(ns, owner, r));
    }
    return out;
  };

  const watchers = entries.map(([, m]) => m.watch).filter((w): w is WatchResource => !!w);
  // Each module's report is bounded on its own (one that hangs does not hide the others) and its
  // entries carry the namespace, so two databases mounted as `db` and `db2` are told apart.
  const health = joinHealth(
    entries
      .filter(([, m]) => m.health)
      .map(([ns, m]) => {
        const report = m.health!;
        const named = ns
          ? async () => (await report()).map((entry) => ({ ...entry, name: `${ns}_${entry.name}` }))
          : report;
        return boundedHealth(named, ns || m.name);
      }),
  );
  const base = {
    name: spec.name,
    version: spec.version,
    instructions: spec.instructions ?? joinInstructions(entries),
    // The first module that serves the URI watches it.
    watch: watchers.length
      ? (uri: string, onChange: () => void) => {
          for (const watch of watchers) {
            const stop = watch(uri, onChange);
            if (stop) return stop;
          }
          return undefined;
        }
      : undefined,
    ...(health ? { health } : {}),
    close: async () => {
      const results = await Promise.allSettled(entries.map(([, m]) => m.close?.()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };

  const first = gather();
  assertUnique(first, origins);
  const dynamic = entries.filter(([, m]) => m.onListChanged);
  if (dynamic.length === 0) return Object.freeze({ ...base, ...first });

  let current: ModuleContents = first;
  const listeners = new Set<(kinds: readonly ListKind[]) => void>();
  const stops = dynamic.map(([, m]) =>
    m.onListChanged!(() => {
      const next = dedupe(gather(), (message) => spec.onError?.(new Error(message)), origins);
      const kinds = changedKinds(current, next);
      current = next;
      if (kinds.length) for (const listener of [...listeners]) listener(kinds);
    }),
  );
  const module = withLiveContents(
    {
      ...base,
      onListChanged(listener: (kinds: readonly ListKind[]) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async start() {
        await Promise.all(dynamic.map(([, m]) => m.start?.()));
      },
      close: async () => {
        for (const stop of stops) stop();
        await base.close();
      },
    },
    () => current,
  );
  return Object.freeze(module);
}

function joinInstructions(entries: [string, ServerModule][]): string | undefined {
  const parts = entries
    .filter(([, m]) => m.instructions)
    .map(([ns, m]) => (ns ? `[${ns}_* tools: ${m.name}] ${m.instructions}` : m.instructions));
  return parts.length ? parts.join('\n\n') : undefined;
}
