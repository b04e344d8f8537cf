import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { StdioUpstream } from '../upstream/spec.js';

const NPX_FLAGS_WITHOUT_VALUE = new Set(['-y', '--yes', '-q', '--quiet', '--no']);

/**
 * `npx -y <package> args…` as `node <the package's bin> args…` when that package is installed where
 * the gateway runs (resolved from `from`), as npx itself would prefer: no registry at run time, and
 * no npx wrapper process between the gateway and the server. Anything else is returned unchanged.
 * A version in the spec (`pkg@1.2.3`) is not checked against the installed one.
 */
export function preferLocalPackage<T extends Pick<StdioUpstream, 'command' | 'args'>>(
  entry: T,
  from: string,
): T {
  if (basename(entry.command).replace(/\.cmd$/, '') !== 'npx') return entry;
  const args = [...entry.args];
  while (args.length && NPX_FLAGS_WITHOUT_VALUE.has(args[0]!)) args.shift();
  const spec = args.shift();
  if (!spec || spec.startsWith('-')) return entry; // --package=…, -c …: left to npx
  const name = spec.replace(/^(@[^/]+\/[^@]+|[^@]+)@.*$/, '$1');
  let manifestPath: string;
  try {
    manifestPath = createRequire(join(from, 'noop.js')).resolve(`${name}/package.json`);
  } catch {
    return entry;
  }
  let bin: unknown;
  try {
    bin = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: unknown }).bin;
  } catch {
    return entry;
  }
  const unscoped = name.split('/').pop()!;
  const file =
    typeof bin === 'string'
      ? bin
      : bin && typeof bin === 'object'
        ? ((bin as Record<string, string>)[unscoped] ??
          (Object.keys(bin).length === 1 ? Object.values(bin as Record<string, string>)[0] : undefined))
        : undefined;
  if (!file) return entry;
  return { ...entry, command: process.execPath, args: [join(dirname(manifestPath), file), ...args] };
}
