#!/usr/bin/env node
import nodeModule from 'node:module';

// Node 22.1+ keeps compiled code between runs, a large share of start-up; a no-op on Node 20.
// It must be on before the rest loads, hence the dynamic import below.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// stdout carries only results (and, for `serve` over stdio, the protocol): whatever a library
// prints through console (the SDK's console.debug notes, a dependency's warning) goes to stderr.
for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
