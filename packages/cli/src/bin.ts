#!/usr/bin/env node
import nodeModule from 'node:module';

// Node 22.1+ keeps compiled code between runs, a large share of start-up; a no-op on Node 20.
// It must be on before the rest loads, hence the dynamic import below.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// stdout carries only results (and, for `serve` over stdio, the protocol): whatever a library
// prints through console (the SDK's console.debug notes, a dependency's warning) goes to stderr.
for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;

// `serve postgres` without a URL runs the embedded database (PGlite, ~70 MB of WebAssembly) in
// this process: the young generation is kept at its start size, as `--max-semi-space-size=1`
// would (V8 reads the growth factor each time it grows it, so it is set before start-up does;
// the embedded host sets it again once its worker exists). bench/RESULTS.md has the peaks.
if (servesEmbeddedPostgres(process.argv.slice(2))) {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;

/** `serve postgres` with no URL among its arguments and none in the environment. */
function servesEmbeddedPostgres(args: string[]): boolean {
  if (args[0] !== 'serve' || args[1] !== 'postgres' || process.env.DATABASE_URL) return false;
  return !args.some((arg) => /^(--url=)?postgres(ql)?:\/\//.test(arg) || arg === '--url');
}
