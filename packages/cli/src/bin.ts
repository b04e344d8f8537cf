#!/usr/bin/env node
import nodeModule from 'node:module';

// Node 22.1+ keeps compiled code between runs, a large share of start-up; a no-op on Node 20.
// It must be on before the rest loads, hence the dynamic import below.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
