import { ServerCatalog } from '@mcpkit/core';
// Generated at build time from the workspaces whose package.json declares servers (scripts/build.mjs).
import { declarationModules } from './servers.generated.js';

/**
 * The servers this mcpkit can serve by name. Filled by `loadServers` (main calls it first): a
 * declaration's module loads only when one of its names is asked for, or all when none is, so
 * `mcpkit serve filesystem` builds no other server's option schemas at start-up.
 */
export const catalog = new ServerCatalog();

/** Every declared name, known without loading anything (each package's `mcpkit.servers`). */
export const serverNames: readonly string[] = declarationModules.flatMap((m) => m.servers);

const loading = new Map<(typeof declarationModules)[number], Promise<void>>();

/** Loads the declarations of the named servers (all of them when `names` is undefined). */
export async function loadServers(names?: readonly string[]): Promise<ServerCatalog> {
  const wanted = declarationModules.filter((m) => !names || m.servers.some((name) => names.includes(name)));
  await Promise.all(
    wanted.map((m) => {
      let done = loading.get(m);
      if (!done) {
        done = m.load().then((declarations) => {
          const declared = declarations.map((d) => d.name).sort();
          if (declared.join() !== [...m.servers].sort().join()) {
            throw new Error(
              `${m.from} declares ${declared.join(', ')}, but its package.json lists ${m.servers.join(', ')} under "mcpkit.servers"`,
            );
          }
          catalog.add(declarations);
        });
        loading.set(m, done);
      }
      return done;
    }),
  );
  return catalog;
}
