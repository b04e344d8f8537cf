// Bundles a bench entry that imports the packages' TypeScript (stand-ins, API clients) into one
// file plain node runs, in bench/.work/servers. Workspace packages resolve to their sources (the
// "@mcpkit/source" condition, as vitest does); `import.meta.url` in each bundled package file is
// replaced by that file's own URL, so code that finds data beside itself (Drive's discovery
// document) still does.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const workDir = path.join(benchDir, '.work/servers');

export async function bundle(entry, name = path.basename(entry)) {
  mkdirSync(workDir, { recursive: true });
  const outfile = path.join(workDir, name);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@mcpkit/source'],
    external: ['esbuild'],
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.(ts|mjs)$/ }, async ({ path: file }) => {
            // Bench files keep the bundle's own URL: they find what sits beside the bundle.
            if (file.startsWith(`${benchDir}${path.sep}`)) return undefined;
            const text = await readFile(file, 'utf8');
            if (!text.includes('import.meta.url')) return undefined;
            return {
              contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(file).href)),
              loader: file.endsWith('.ts') ? 'ts' : 'js',
            };
          });
        },
      },
    ],
  });
  return outfile;
}
