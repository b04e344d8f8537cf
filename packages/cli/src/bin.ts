#!/usr/bin/env node
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps compiled code between runs, a large share of start-up. It must be on before
// the rest loads, hence the dynamic imports below. Node 20 has none: there the CLI loads from
// dist/main.cjs with V8's code cache (code-cache.ts).
const enableCompileCache = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
enableCompileCache?.();

// stdout carries only results (and, for `serve` over stdio, the protocol): whatever a library
// prints through console (the SDK's console.debug notes, a dependency's warning) goes to stderr.
for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;

// `serve postgres` without a URL runs the embedded database (PGlite, ~70 MB of WebAssembly) in
// this process: the young generation is kept at its start size, as `--max-semi-space-size=1`
// would (V8 reads the growth factor each time it grows it, so it is set before start-up does;
// the embedded host sets it again once its worker exists). bench/RESULTS.md has the peaks.
const embedded = servesEmbeddedPostgres(process.argv.slice(2));
if (embedded) {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

// The embedded database keeps the ES module bundle on Node 20 too: it loads only the chunks it
// uses, where the code-cached single file holds the whole CLI's source (peak RSS over start-up).
const main =
  (!enableCompileCache &&
    !embedded &&
    (await import('./code-cache.js')).loadWithCodeCache(
      fileURLToPath(new URL('./main.cjs', import.meta.url)),
    )) ||
  (await import('./main.js')).main;
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;

/** `serve postgres` with no URL among its arguments and none in the environment. */
function servesEmbeddedPostgres(args: string[]): boolean {
  if (args[0] !== 'serve' || args[1] !== 'postgres' || process.env.DATABASE_URL) return false;
  return !args.some((arg) => /^(--url=)?postgres(ql)?:\/\//.test(arg) || arg === '--url');
}
