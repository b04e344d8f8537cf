// Bundles the mcpkit binary into dist/bin.js (+ lazily loaded chunks in dist/chunks/) so it
// starts fast: one minified graph instead of hundreds of modules, and code that `serve` does not
// need at start-up (the MCP client, YAML, the HTTP stack, each server's own code) split into
// chunks that load on first use. Runs after `tsc -b` (which type-checks and emits declarations);
// it overwrites tsc's dist/bin.js with the bundle.
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';
import { serverPackages, workspaces } from '../../../scripts/workspaces.mjs';

const cli = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const root = path.resolve(cli, '../..');
// MCPKIT_BUNDLE_OUTDIR (say, bench/.work/cli) bundles there instead of dist/, so that
// benchmarks build a private copy without racing a build of dist/.
const dist = process.env.MCPKIT_BUNDLE_OUTDIR
  ? path.resolve(process.env.MCPKIT_BUNDLE_OUTDIR)
  : path.join(cli, 'dist');
const readJson = async (file) => JSON.parse(await readFile(file, 'utf8'));

// Dependencies that only a server's own code uses (a database driver, wasm, native add-ons) stay
// in node_modules: they are loaded when that server is created, and may find files next to them.
const corePackage = await readJson(path.join(root, 'packages/core/package.json'));
const shared = new Set(Object.keys(corePackage.dependencies ?? {}));
const external = new Set(['ioredis']);
for (const { dir } of serverPackages()) {
  const pkg = await readJson(path.join(root, dir, 'package.json'));
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (!shared.has(name) && !name.startsWith('@mcpkit/')) external.add(name);
  }
}

// Modules with no start-up side effects: when nothing on the start-up path uses them, they are
// left out of it entirely (their package.json does not say so; these are checked by hand).
const pure = [
  path.join(root, 'packages/core/src') + path.sep,
  ...[
    '@modelcontextprotocol/client',
    '@modelcontextprotocol/node',
    '@hono/node-server',
    'yaml',
    'rate-limiter-flexible',
    'eventsource',
    'eventsource-parser',
    'pkce-challenge',
  ].map((name) => path.join(root, 'node_modules', name) + path.sep),
];

/**
 * `import.meta.url` in workspace code (data folders, worker files, package.json versions) must keep
 * naming a file of the package it was written in, in the repository and in an install alike:
 * - the CLI's own files: relative to dist/ (`__mcpkitFileUrl('bin.js')`), or to the folder a
 *   private bundle is written to;
 * - a published package (@mcpkit/postgres): its installed copy, found the way Node finds packages,
 *   in node_modules beside or above the CLI (`__mcpkitFileUrl('dist/x.js', '@mcpkit/postgres')`;
 *   in the repository that is the workspace link);
 * - a private package (the examples, never published): its package.json and data folders are
 *   copied into dist/bundled/<folder>/ (copyPrivateAssets) and its files are named there.
 */
function workspaceFileUrls() {
  return {
    name: 'workspace-file-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        // packages/x/src/a/b.ts → packages/x/dist/a/b.js, the file tsc emitted beside it.
        const emitted = args.path
          .replace(`${path.sep}src${path.sep}`, `${path.sep}dist${path.sep}`)
          .replace(/\.ts$/, '.js');
        const owner = workspaceOf(emitted);
        const posix = (p) => p.split(path.sep).join('/');
        let call;
        if (!owner || owner.dir === cli) {
          // Relative to the CLI's own dist/, which a private bundle's folder stands in for.
          const inDist = posix(path.relative(path.join(cli, 'dist'), emitted));
          call = `__mcpkitFileUrl(${JSON.stringify(inDist)})`;
        } else if (owner.pkg.private) {
          const copy = path.join(
            dist,
            'bundled',
            path.basename(owner.dir),
            path.relative(owner.dir, emitted),
          );
          call = `__mcpkitFileUrl(${JSON.stringify(posix(path.relative(dist, copy)))})`;
        } else {
          const inPackage = posix(path.relative(owner.dir, emitted));
          call = `__mcpkitFileUrl(${JSON.stringify(inPackage)}, ${JSON.stringify(owner.pkg.name)})`;
        }
        return { contents: source.replaceAll('import.meta.url', call), loader: 'ts' };
      });
    },
  };
}

const workspaceDirs = workspaces().map(({ dir, pkg }) => ({ dir: path.join(root, dir), pkg }));
/** The workspace package a file belongs to. */
function workspaceOf(file) {
  return workspaceDirs.find(({ dir }) => file.startsWith(dir + path.sep));
}

/** A private package's package.json and data folders (not its code: that is bundled), into dist/bundled/. */
async function copyPrivateAssets() {
  for (const { dir, pkg } of workspaceDirs) {
    if (!pkg.private || !pkg.mcpkit?.declaration) continue;
    const target = path.join(dist, 'bundled', path.basename(dir));
    await mkdir(target, { recursive: true });
    await cp(path.join(dir, 'package.json'), path.join(target, 'package.json'));
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || ['src', 'dist', 'node_modules', 'test'].includes(entry.name)) continue;
      await cp(path.join(dir, entry.name), path.join(target, entry.name), { recursive: true });
    }
  }
}

function externalsAndPurity() {
  return {
    name: 'externals-and-purity',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
        const bare = /^(?:@[^/]+\/)?[^./][^/]*/.exec(args.path)?.[0];
        if (bare && external.has(bare)) return { path: args.path, external: true };
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length || resolved.external) return resolved;
        if (pure.some((prefix) => resolved.path.startsWith(prefix)))
          return { ...resolved, sideEffects: false };
        return resolved;
      });
    },
  };
}

await rm(path.join(dist, 'chunks'), { recursive: true, force: true });
await rm(path.join(dist, 'bundled'), { recursive: true, force: true });
await copyPrivateAssets();
/** What both builds share: the same sources, dependencies left outside, and minifying. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // MCPKIT_BUNDLE_MINIFY=0 keeps names readable (for CPU profiles).
  minify: process.env.MCPKIT_BUNDLE_MINIFY !== '0',
  legalComments: 'none',
  conditions: ['@mcpkit/source'],
  plugins: [externalsAndPurity(), workspaceFileUrls()],
  logLevel: 'warning',
};
/** A published package's file: its copy in node_modules beside or above the CLI, as Node finds it. */
const fileUrlHelper = [
  'const __mcpkitFileUrl = (p, pkg) => { if (!pkg) return new URL(p, __mcpkitDist).href;',
  "for (let d = new URL('../', __mcpkitDist); ; ) { const c = new URL('node_modules/' + pkg + '/', d);",
  "if (require('node:fs').existsSync(new URL('package.json', c))) return new URL(p, c).href;",
  "const up = new URL('../', d); if (up.href === d.href) return new URL(p, c).href; d = up; } };",
];
const result = await build({
  ...common,
  entryPoints: { bin: path.join(cli, 'src/bin.ts') },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  format: 'esm',
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: [
      "import { createRequire as __mcpkitRequire } from 'node:module';",
      'const require = __mcpkitRequire(import.meta.url);',
      "const __mcpkitDist = new URL(import.meta.url.includes('/chunks/') ? '../' : './', import.meta.url);",
      ...fileUrlHelper,
    ].join(' '),
  },
  metafile: true,
});
// The same CLI as one CommonJS file, which Node 20 (no compile cache of its own) loads with
// V8's code cache (src/code-cache.ts). A bundled dependency's import.meta.url names this file,
// as it names a chunk in the build above.
await build({
  ...common,
  entryPoints: { main: path.join(cli, 'src/main.ts') },
  outfile: path.join(dist, 'main.cjs'),
  format: 'cjs',
  // import() of a dependency left outside becomes require() (Node >= 20.19 requires ES modules):
  // V8 code from a cache loses vm.Script's import() hook on Node 20.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__mcpkitFileUrlOfThis' },
  banner: {
    js: [
      "const __mcpkitFileUrlOfThis = require('node:url').pathToFileURL(__filename).href;",
      "const __mcpkitDist = new URL('./', __mcpkitFileUrlOfThis);",
      ...fileUrlHelper,
    ].join(' '),
  },
});
const outputs = Object.entries(result.metafile.outputs);
const eager = outputs.find(([file]) => file.endsWith('/bin.js'));
const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(
  `bundled mcpkit: dist/bin.js ${(eager[1].bytes / 1024).toFixed(0)} KiB + ${outputs.length - 1} chunks (${(total / 1024).toFixed(0)} KiB in all)`,
);
// MCPKIT_BUNDLE_ANALYZE=1 prints what each output file holds.
if (process.env.MCPKIT_BUNDLE_ANALYZE) console.log(await analyzeMetafile(result.metafile));
