import * as z from 'zod';

const KIB = 1024;
const MIB = 1024 * 1024;

/** A byte size: a whole number, or with a k/m/g suffix (KiB, MiB, GiB), as given on a command line. */
const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
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
});

const count = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 1) {
    ctx.addIssue({ code: 'custom', message: `expected a positive whole number, got "${value}"` });
    return z.NEVER;
  }
  return n;
});

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/**
 * Server options: from `--kebab-case` flags (camelCased by the CLI) or a config file's
 * `options`. Every limit is here, with its default; the README lists them.
 */
export const filesystemOptionsSchema = z
  .object({
    readOnly: flag.default(false),
    allowHardlinks: flag.default(false),
    /** Bytes of text one read_text_file call (or a resource read) returns. */
    maxReadBytes: size.default(128 * KIB),
    /** Lines one read_text_file call returns when no limit/head/tail is given. */
    maxReadLines: count.default(2000),
    /** Bytes of text read_multiple_files returns, all files together. */
    maxTotalReadBytes: size.default(200 * KIB),
    /** Paths one read_multiple_files call accepts. */
    maxFiles: count.default(200),
    /** Largest file read_media_file returns (before base64). */
    maxMediaBytes: size.default(5 * MIB),
    /** Largest file edit_file will load to edit. */
    maxEditBytes: size.default(10 * MIB),
    /** Entries per list_directory page. */
    maxEntries: count.default(500),
    /** Entries directory_tree shows before it stops. */
    maxTreeEntries: count.default(1000),
    /** Paths per search_files page. */
    maxSearchResults: count.default(500),
    /** Most matching lines search_file_contents returns (its maxResults may ask for fewer). */
    maxContentResults: count.default(200),
    /** Resources per resources/list page. */
    maxResourcePage: count.default(500),
    /** Milliseconds a watched resource waits for more changes before notifying. */
    watchDebounceMs: count.default(150),
  })
  .strict();

export type FilesystemOptions = z.input<typeof filesystemOptionsSchema>;
export type FilesystemLimits = z.output<typeof filesystemOptionsSchema>;

/** Validates options, with a message naming each bad one. */
export function parseOptions(options: Record<string, unknown> = {}): FilesystemLimits {
  const result = filesystemOptionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((k) => `--${kebab(k)}`).join(', ')}`
        : `--${kebab(String(issue.path[0] ?? ''))}: ${issue.message}`,
    );
    throw new Error(`Invalid filesystem options: ${problems.join('; ')}`);
  }
  return result.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
