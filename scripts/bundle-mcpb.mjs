// Claude Desktop extension bundles (MCPB, `.mcpb`), one per built-in server: a manifest from
// distribution/servers.mjs (folders and files as user-configurable fields, tokens as sensitive
// ones) and the `mcpkit` binary installed from the packed tarballs, with only the modules that
// server needs. Validated and packed by the official tooling (@anthropic-ai/mcpb).
//
// `node scripts/bundle-mcpb.mjs [server...] [--out dir]` (after `npm run build`); default: every
// server, into dist/mcpb/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_RANGE, SERVERS } from '../distribution/servers.mjs';
import { installTarballs, packPublished } from './pack.mjs';
import { repoRoot } from './workspaces.mjs';

const MCPB_CLI = path.join(repoRoot, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const ENTRY = 'server/node_modules/mcpkit/dist/bin.js';

/** Runs the official mcpb command line; throws with its output when it fails. */
export function mcpb(...args) {
  const result = spawnSync(process.execPath, [MCPB_CLI, ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`mcpb ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A server's MCPB manifest (manifest_version 0.3). */
export function mcpbManifest(name, version) {
  const server = SERVERS[name];
  if (!server) throw new Error(`no distribution entry for server "${name}"`);
  const args = [`\${__dirname}/${ENTRY}`, 'serve', name];
  const env = {};
  const userConfig = {};
  for (const input of server.inputs) {
    userConfig[input.id] = {
      type: input.type,
      title: input.title,
      description: input.description,
      required: Boolean(input.required),
      ...(input.multiple ? { multiple: true } : {}),
      ...(input.sensitive ? { sensitive: true } : {}),
      ...(input.default !== undefined ? { default: input.default } : {}),
    };
    const value = `\${user_config.${input.id}}`;
    if (input.kind === 'args') args.push(value);
    else if (input.kind === 'flag') args.push(`${input.flag}=${value}`);
    else env[input.env] = value;
  }
  return {
    manifest_version: '0.3',
    name: `mcpkit-${name}`,
    display_name: server.title,
    version,
    description: server.summary,
    author: { name: 'mcpkit' },
    license: 'MIT',
    keywords: ['mcp', 'mcpkit', name],
    server: {
      type: 'node',
      entry_point: ENTRY,
      mcp_config: { command: 'node', args, env },
    },
    tools_generated: true,
    ...(Object.keys(userConfig).length ? { user_config: userConfig } : {}),
    compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: NODE_RANGE } },
  };
}

/**
 * The package folders one server needs. The mcpkit binary is a bundle holding core and every
 * server's own code, so beside it only what it leaves external is loaded from node_modules: the
 * server package's third-party dependencies (and theirs), ioredis, and the package.json and data
 * files of mcpkit, @mcpkit/core and the server package (versions, workers, demo data).
 */
function neededPackages(nodeModules, serverPackage) {
  const whole = ['mcpkit', '@mcpkit/core', ...(serverPackage ? [serverPackage] : [])];
  const keep = new Set(whole.map((name) => path.join(nodeModules, name)));
  const readPkg = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const bundled = new Set(Object.keys(readPkg(path.join(nodeModules, '@mcpkit/core')).dependencies ?? {}));
  bundled.delete('ioredis'); // left external by the bundler
  const resolveFrom = (dir, name) => {
    for (let d = dir; d.length >= path.dirname(nodeModules).length; d = path.dirname(d)) {
      const candidate = path.join(d, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    return undefined;
  };
  const visit = (dir) => {
    if (keep.has(dir)) return;
    keep.add(dir);
    const pkg = readPkg(dir);
    for (const dep of Object.keys({
      ...pkg.dependencies,
      ...pkg.optionalDependencies,
      ...pkg.peerDependencies,
    })) {
      const found = resolveFrom(dir, dep);
      if (found) visit(found);
    }
  };
  const roots = ['ioredis'];
  if (serverPackage) {
    for (const dep of Object.keys(readPkg(path.join(nodeModules, serverPackage)).dependencies ?? {})) {
      if (!dep.startsWith('@mcpkit/') && !bundled.has(dep)) roots.push(dep);
    }
  }
  for (const root of roots) {
    const found = resolveFrom(path.join(nodeModules, serverPackage ?? 'mcpkit'), root);
    if (found) visit(found);
  }
  return [...keep].sort((a, b) => a.length - b.length);
}

/**
 * Writes `<out>/mcpkit-<server>-<version>.mcpb` for each server, from an install of the packed
 * tarballs (`installDir`, or a fresh one). Returns the bundle paths.
 */
export function buildBundles({ servers = Object.keys(SERVERS), out, installDir } = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'mcpkit-mcpb-'));
  try {
    let prefix = installDir;
    if (!prefix) {
      prefix = path.join(work, 'install');
      installTarballs(prefix, packPublished(path.join(work, 'packages')));
    }
    const nodeModules = path.join(prefix, 'node_modules');
    const version = JSON.parse(
      readFileSync(path.join(nodeModules, 'mcpkit', 'package.json'), 'utf8'),
    ).version;
    mkdirSync(out, { recursive: true });
    const bundles = [];
    for (const name of servers) {
      const dir = path.join(work, name);
      const target = path.join(dir, 'server', 'node_modules');
      const copied = [];
      for (const source of neededPackages(nodeModules, SERVERS[name].package)) {
        if (copied.some((c) => source.startsWith(c + path.sep))) continue; // inside one copied already
        const into = path.join(target, path.relative(nodeModules, source));
        // mcpkit and @mcpkit/* are copied without their own node_modules: what they need is listed.
        const shallow =
          source === path.join(nodeModules, 'mcpkit') || source.includes(`${path.sep}@mcpkit${path.sep}`);
        cpSync(source, into, {
          recursive: true,
          dereference: true,
          filter: (file) => !shallow || !path.relative(source, file).split(path.sep).includes('node_modules'),
        });
        copied.push(source);
      }
      writeFileSync(
        path.join(dir, 'manifest.json'),
        `${JSON.stringify(mcpbManifest(name, version), null, 2)}\n`,
      );
      mcpb('validate', path.join(dir, 'manifest.json'));
      const bundle = path.join(out, `mcpkit-${name}-${version}.mcpb`);
      mcpb('pack', dir, bundle);
      bundles.push(bundle);
    }
    return bundles;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--out');
  const out = path.resolve(at === -1 ? path.join(repoRoot, 'dist', 'mcpb') : argv[at + 1]);
  const servers = argv.filter((a, i) => !a.startsWith('--') && (at === -1 || i !== at + 1));
  for (const bundle of buildBundles({ out, ...(servers.length ? { servers } : {}) })) console.log(bundle);
}
