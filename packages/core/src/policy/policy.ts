import type { AuthInfo } from '@modelcontextprotocol/server';
import picomatch from 'picomatch';
import { type ServerModule, withLiveContents } from '../define/server.js';
import { isReadOnlyTool, type ToolDefinition } from '../define/tool.js';

export interface PolicyOptions {
  /** Only tools whose annotations say readOnlyHint: true are listed and callable. */
  readOnly?: boolean;
  /** Tool names or globs (`fs_*`); when set, only matching tools exist. */
  allow?: readonly string[];
  /** Tool names or globs removed after `allow`. */
  deny?: readonly string[];
  /**
   * Scopes a caller needs per tool glob, on top of each tool's own `scopes`
   * (for example `{ "pg_execute": ["db:write"] }`). Enforced only for authenticated callers.
   */
  scopes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Applies the configured policy to a module once, at start: a tool the policy removes is never
 * registered, so it is neither listed nor callable (the SDK answers "not found").
 */
export function applyPolicy(module: ServerModule, policy: PolicyOptions = {}): ServerModule {
  const allow = policy.allow?.length ? picomatch(policy.allow as string[]) : undefined;
  const deny = policy.deny?.length ? picomatch(policy.deny as string[]) : undefined;
  if (!policy.readOnly && !allow && !deny) return module;
  const keep = (tool: ToolDefinition) =>
    (!policy.readOnly || isReadOnlyTool(tool)) && (!allow || allow(tool.name)) && !deny?.(tool.name);
  if (!module.onListChanged) {
    const tools = module.tools.filter(keep);
    if (tools.length === module.tools.length) return module;
    return Object.freeze({ ...module, tools });
  }
  // A dynamic module: filter what it serves now, once per change of its list.
  let source: readonly ToolDefinition[] | undefined;
  let kept: readonly ToolDefinition[] = [];
  const filtered = () => {
    if (module.tools !== source) {
      source = module.tools;
      kept = source.filter(keep);
    }
    return kept;
  };
  return Object.freeze(
    withLiveContents(module, () => ({
      tools: filtered(),
      resources: module.resources,
      resourceTemplates: module.resourceTemplates,
      prompts: module.prompts,
    })),
  );
}

/**
 * Resolves, once, the scopes each tool needs (its own plus the policy's globs), and returns the
 * per-caller filter: an authenticated caller sees a tool only with every scope it needs.
 */
export function scopeFilter(
  tools: readonly ToolDefinition[],
  scopes: PolicyOptions['scopes'],
): (auth: AuthInfo | undefined) => readonly ToolDefinition[] {
  const matchers = Object.entries(scopes ?? {}).map(([glob, needed]) => ({ match: picomatch(glob), needed }));
  const needs = tools.map((tool) => ({
    tool,
    needed: [...(tool.scopes ?? []), ...matchers.filter((m) => m.match(tool.name)).flatMap((m) => m.needed)],
  }));
  return (auth) => {
    if (!auth) return tools; // unauthenticated transports (stdio, loopback without auth) see the policy's tools
    const granted = new Set(auth.scopes);
    return needs.filter(({ needed }) => needed.every((scope) => granted.has(scope))).map(({ tool }) => tool);
  };
}

/** The tools a given caller may see and call (see `scopeFilter`, which compiles this once). */
export function toolsForCaller(
  tools: readonly ToolDefinition[],
  auth: AuthInfo | undefined,
  scopes: PolicyOptions['scopes'],
): readonly ToolDefinition[] {
  return scopeFilter(tools, scopes)(auth);
}
