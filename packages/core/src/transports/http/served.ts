import type { ServerModule } from '../../define/server.js';

// Defined beside the module that reports it; kept importable from here.
export type { HealthEntry } from '../../define/server.js';

/** One part of what is served: a mounted server (its namespace) or the module itself. */
export interface ServedPart {
  readonly name: string;
  readonly tools: number;
  readonly readOnlyTools: number;
  readonly destructiveTools: number;
}

/**
 * What a module serves, by part: a composed module's tools carry the namespace they were mounted
 * under (`servedPrefix` `fs_`), so the parts are told apart without the module saying so.
 */
export function servedParts(module: ServerModule): ServedPart[] {
  const parts = new Map<string, { tools: number; readOnlyTools: number; destructiveTools: number }>();
  for (const tool of module.tools) {
    const prefix = (tool as { servedPrefix?: string }).servedPrefix;
    const name = prefix ? prefix.split('_')[0] || module.name : module.name;
    const part = parts.get(name) ?? { tools: 0, readOnlyTools: 0, destructiveTools: 0 };
    part.tools++;
    if (tool.annotations?.readOnlyHint) part.readOnlyTools++;
    else if (tool.annotations?.destructiveHint !== false) part.destructiveTools++;
    parts.set(name, part);
  }
  if (parts.size === 0) return [{ name: module.name, tools: 0, readOnlyTools: 0, destructiveTools: 0 }];
  return [...parts].map(([name, counts]) => ({ name, ...counts }));
}
