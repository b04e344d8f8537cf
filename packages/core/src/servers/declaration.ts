import type { Logger } from 'pino';
import type * as z from 'zod';
import type { ServerModule } from '../define/server.js';
import { option } from '../kit/options.js';

/** What a server's `create` gets besides its options. */
export interface ServerCreateContext {
  logger: Logger;
  /** Folder relative paths in arguments and options resolve against (the config file's folder). */
  cwd: string;
  /** The environment the server reads credentials from (process.env unless a test passes its own). */
  env: NodeJS.ProcessEnv;
}

/** How positional command-line arguments fill an option: `mcpkit serve filesystem DIR DIR`. */
export interface PositionalArgs {
  /** The option the arguments go to. */
  option: string;
  /** Several arguments make a list (the option is an array); otherwise at most one. */
  variadic?: boolean;
  /** Synopsis for help: `<dir> [dir...]`. */
  synopsis: string;
}

/**
 * Writes reach files, databases or other people, so every server states whether they are on by
 * default. `--allow-writes` turns them on where they are off, `--read-only` turns them off and
 * wins over everything: the same two flags on every server, one mechanism (core's read-only
 * policy, which keeps only tools annotated readOnlyHint).
 */
export type WritesDefault = 'on' | 'off';

/** The flags every server accepts, added to its own options. */
export const writeFlags = {
  readOnly: option.flag().default(false).describe('Serve only tools that change nothing (wins over all)'),
  allowWrites: option
    .flag()
    .default(false)
    .describe('Serve tools that write (off by default on this server)'),
};

type WriteFlagShape = typeof writeFlags;

export interface ServerDeclarationSpec<S extends z.ZodRawShape> {
  /** The name on the command line and in config files: `mcpkit serve <name>`. */
  name: string;
  /** One line for `mcpkit serve --list`. */
  description: string;
  /** The server's own options (not the write flags, which every server gets). */
  options: z.ZodObject<S>;
  /** How positional arguments map to an option. Without it, a server takes none. */
  args?: PositionalArgs;
  /** Options filled from the environment when not given: `{ apiUrl: 'GITHUB_API_URL' }`. */
  env?: Partial<Record<(keyof S & string) | keyof WriteFlagShape, string>>;
  /** Options (and positional arguments) that are local paths: `mcpkit config claude` makes them absolute. */
  paths?: readonly (keyof S & string)[];
  /** Whether the server's writing tools are served unless a flag says otherwise. */
  writes: WritesDefault;
  /**
   * `mcpkit auth <name>`: a one-time, interactive authorization (an OAuth consent in the browser)
   * that stores what `create` later reads. Gets the same options as `create`.
   */
  authorize?(
    options: z.output<z.ZodObject<S & WriteFlagShape>> & { writes: boolean },
    context: AuthorizeContext,
  ): Promise<void>;
  /** Builds the module. Called once per serve; load the server's code lazily in here. */
  create(
    options: z.output<z.ZodObject<S & WriteFlagShape>> & { writes: boolean },
    context: ServerCreateContext,
  ): Promise<ServerModule>;
}

/** What `authorize` gets: where to read credentials from and where to talk to the user. */
export interface AuthorizeContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** One line for the user (stderr of the CLI). */
  print(line: string): void;
}

/** A declared server, as the CLI, config validation, help text and the bundler read it. */
export interface ServerDeclaration {
  readonly kind: 'server-declaration';
  readonly name: string;
  readonly description: string;
  /** The full options schema: the server's own plus the write flags, strict. */
  readonly options: z.ZodObject<z.ZodRawShape>;
  readonly args?: PositionalArgs;
  readonly env: Readonly<Record<string, string>>;
  readonly paths: readonly string[];
  readonly writes: WritesDefault;
  readonly create: (options: any, context: ServerCreateContext) => Promise<ServerModule>;
  readonly authorize?: (options: any, context: AuthorizeContext) => Promise<void>;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Declares a server: its name, its options schema, how arguments map to options, and how to
 * build it. This is the only thing a server package states for the CLI, config files and help.
 */
export function declareServer<S extends z.ZodRawShape>(spec: ServerDeclarationSpec<S>): ServerDeclaration {
  if (!NAME.test(spec.name)) {
    throw new TypeError(`Invalid server name "${spec.name}": 1-32 lowercase letters, digits and "-"`);
  }
  const own = Object.keys(spec.options.shape);
  for (const flag of Object.keys(writeFlags)) {
    if (own.includes(flag)) throw new TypeError(`Server "${spec.name}" must not declare "${flag}" itself`);
  }
  if (spec.args && !own.includes(spec.args.option)) {
    throw new TypeError(
      `Server "${spec.name}": positional arguments go to unknown option "${spec.args.option}"`,
    );
  }
  const options = spec.options.extend(writeFlags).strict() as unknown as z.ZodObject<z.ZodRawShape>;
  return Object.freeze({
    kind: 'server-declaration' as const,
    name: spec.name,
    description: spec.description,
    options,
    ...(spec.args ? { args: spec.args } : {}),
    env: Object.freeze({ ...(spec.env ?? {}) }) as Record<string, string>,
    paths: Object.freeze([...(spec.paths ?? [])]),
    writes: spec.writes,
    create: spec.create as ServerDeclaration['create'],
    ...(spec.authorize ? { authorize: spec.authorize as ServerDeclaration['authorize'] } : {}),
  });
}

/** Whether a server's writing tools are served, from its default and the two flags. */
export function writesEnabled(
  declaration: ServerDeclaration,
  options: { readOnly?: boolean; allowWrites?: boolean },
) {
  if (options.readOnly) return false;
  return declaration.writes === 'on' || options.allowWrites === true;
}
