import type { ServerModule } from '../define/server.js';
import { OptionsError, type OptionsStyle, parseOptions } from '../kit/options.js';
import { applyPolicy } from '../policy/policy.js';
import { type ServerCreateContext, type ServerDeclaration, writesEnabled } from './declaration.js';

/** What a user gave a server: positional arguments and options (flags or a config's `options`). */
export interface ServerInput {
  args?: readonly string[];
  options?: Record<string, unknown>;
}

/**
 * One reading of a server's input for the command line, config files and Claude Desktop entries
 * alike: positional arguments go to the declared option, unset options come from the declared
 * environment variables, and the whole is validated against the declared schema. Throws an
 * OptionsError naming each bad option in the given style.
 */
export function resolveServerOptions(
  declaration: ServerDeclaration,
  input: ServerInput,
  env: NodeJS.ProcessEnv = process.env,
  how: OptionsStyle = { style: 'flags' },
): Record<string, unknown> & { writes: boolean } {
  const options: Record<string, unknown> = { ...(input.options ?? {}) };
  const args = input.args ?? [];
  if (args.length) {
    const target = declaration.args;
    if (!target) {
      throw new OptionsError(
        declaration.name,
        [{ option: '', path: [], message: `takes no arguments (got "${args[0]}")` }],
        how,
      );
    }
    if (!target.variadic && args.length > 1) {
      const message = `takes at most one argument: ${target.synopsis}`;
      throw new OptionsError(declaration.name, [{ option: '', path: [], message }], how);
    }
    options[target.option] = target.variadic ? [...args] : args[0];
  }
  for (const [name, variable] of Object.entries(declaration.env)) {
    const value = env[variable];
    if (options[name] === undefined && value !== undefined && value !== '') options[name] = value;
  }
  const parsed = parseOptions(declaration.name, declaration.options, options, how) as Record<string, unknown>;
  return { ...parsed, writes: writesEnabled(declaration, parsed) };
}

/**
 * Builds a declared server from its input: options resolved as above, the module created, and
 * the write policy applied (without writes, only tools annotated readOnlyHint remain).
 */
export async function createDeclaredServer(
  declaration: ServerDeclaration,
  input: ServerInput,
  context: ServerCreateContext,
  how: OptionsStyle = { style: 'flags' },
): Promise<ServerModule> {
  const options = resolveServerOptions(declaration, input, context.env, how);
  const module = await declaration.create(options, context);
  return options.writes ? module : applyPolicy(module, { readOnly: true });
}
