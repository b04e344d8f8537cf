import { UsageError } from './usage.js';

/** Splits `--a=b`, `--a b` and bare `--flag` into options; positionals stay in order. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
  /** Everything after a bare `--`. */
  rest: string[] | undefined;
}

export function parseArgv(argv: readonly string[], valued: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  let rest: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) options.set(name, arg.slice(eq + 1));
      else if (valued.has(name)) {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
        i++;
      } else options.set(name, true);
    } else if (arg === '-h') options.set('help', true);
    else if (arg === '-v') options.set('version', true);
    else positionals.push(arg);
  }
  return { positionals, options, rest };
}

export function takeString(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.options.get(name);
  parsed.options.delete(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function takeFlag(parsed: ParsedArgs, name: string): boolean {
  const value = parsed.options.get(name);
  parsed.options.delete(name);
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--${name} takes no value`);
}

export function takeInt(parsed: ParsedArgs, name: string): number | undefined {
  const value = takeString(parsed, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

export function takeList(parsed: ParsedArgs, name: string): string[] | undefined {
  const value = takeString(parsed, name);
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Remaining `--kebab-name=value` options, as a server's camelCase options. */
export function remainingAsServerOptions(parsed: ParsedArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of parsed.options) {
    out[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return out;
}

/**
 * A declared server's options that take a value (all but true/false flags), as `--kebab` names:
 * with these known, `--data-dir /tmp/x` reads the next word as the value, as `--data-dir=/tmp/x` does.
 */
export function valuedOptionsOf(schema: { shape: Record<string, unknown> }): Set<string> {
  const valued = new Set<string>();
  for (const [name, field] of Object.entries(schema.shape)) {
    const accepts = (field as { safeParse?: (v: unknown) => { success: boolean } }).safeParse?.(true);
    if (!accepts?.success) valued.add(kebab(name));
  }
  return valued;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
