import * as z from 'zod';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Option field types that read the same from a command line (strings) and a config file (typed
 * values), so one schema serves both.
 */
export const option = {
  /** true/false; on a command line also "1"/"0", "yes"/"no". */
  flag: () =>
    z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
      .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes'),
  /** A whole number in [min, max]. */
  whole: (min: number, max: number) =>
    z.union([z.number(), z.string()]).transform((value, ctx) => {
      const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value.trim());
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a whole number from ${min} to ${max}, got "${value}"`,
        });
        return z.NEVER;
      }
      return n;
    }),
  /** A positive whole number. */
  count: () => option.whole(1, Number.MAX_SAFE_INTEGER),
  /** A byte size: a whole number, or with a k/m/g suffix (KiB, MiB, GiB). */
  size: () =>
    z.union([z.number(), z.string()]).transform((value, ctx) => {
      const match = typeof value === 'number' ? null : /^\s*(\d+)\s*([kmg]?)(i?b)?\s*$/i.exec(value);
      const bytes =
        typeof value === 'number'
          ? value
          : match
            ? Number(match[1]) * ({ '': 1, k: KIB, m: MIB, g: 1024 * MIB }[match[2]!.toLowerCase()] ?? 1)
            : Number.NaN;
      if (!Number.isSafeInteger(bytes) || bytes < 1) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a positive size like 131072, 128k or 5m, got "${value}"`,
        });
        return z.NEVER;
      }
      return bytes;
    }),
  /** A list: an array in a config file, comma-separated on a command line (`a,b,c`). */
  list: () =>
    z
      .union([z.array(z.string()), z.string()])
      .transform((value) =>
        (Array.isArray(value) ? value : value.split(','))
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      ),
};

/** One bad option: where it is and what is wrong. */
export interface OptionProblem {
  /** The option's name as the schema has it (`maxRows`), or '' for the whole object. */
  option: string;
  /** The full path inside the options object. */
  path: readonly PropertyKey[];
  message: string;
}

/** How problems are named: as command-line flags (`--max-rows`) or as a config path. */
export type OptionsStyle = { style: 'flags' } | { style: 'config'; path: string };

/** Options that failed validation; the message names each problem, in the style asked for. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  constructor(
    readonly server: string,
    readonly problems: readonly OptionProblem[],
    readonly style: OptionsStyle = { style: 'flags' },
  ) {
    super(formatProblems(server, problems, style));
  }
}

/** `maxRows` -> `max-rows`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `max-rows` -> `maxRows`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function formatProblems(server: string, problems: readonly OptionProblem[], how: OptionsStyle): string {
  const name = (p: OptionProblem) =>
    how.style === 'flags'
      ? `--${kebabCase(p.option)}`
      : [how.path, ...p.path.map(String)].filter(Boolean).join('.');
  const parts = problems.map((p) => (p.option ? `${name(p)}: ${p.message}` : p.message));
  const where = how.style === 'flags' ? `${server} options` : `${server} options in ${how.path}`;
  return `Invalid ${where}: ${parts.join('; ')}`;
}

/** The closest known name to a misspelled one, when it is close enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Zod issues as option problems: unknown keys one by one (with a "did you mean"), others by path. */
export function optionProblems(
  error: z.ZodError,
  known: readonly string[],
  how: OptionsStyle,
): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const guess = closest(key, known);
        const shown = how.style === 'flags' ? `--${kebabCase(guess ?? '')}` : guess;
        problems.push({
          option: key,
          path: [...issue.path, key],
          message: `unknown option${guess ? ` (did you mean ${shown}?)` : ''}`,
        });
      }
    } else {
      problems.push({ option: String(issue.path[0] ?? ''), path: issue.path, message: issue.message });
    }
  }
  return problems;
}

/**
 * Validates `input` against a server's options schema (a strict zod object), returning the typed
 * result or throwing an OptionsError that names every bad option in the given style.
 */
export function parseOptions<S extends z.ZodObject<z.ZodRawShape>>(
  server: string,
  schema: S,
  input: Record<string, unknown>,
  how: OptionsStyle = { style: 'flags' },
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new OptionsError(server, optionProblems(result.error, Object.keys(schema.shape), how), how);
}
