import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles a TypeScript entry and what it imports into one file `node` runs (workspace sources included). */
export async function bundle(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'mcpkit-openapi-probe-')), 'probe.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@mcpkit/source'],
    logLevel: 'silent',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}
