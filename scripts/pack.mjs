// The published packages as users get them: `npm pack` of every workspace that is not private
// (core, each server, the CLI), and an install of those tarballs alone into an empty folder, with
// third-party dependencies from the registry. Used by the install test and the MCPB bundler.
// `node scripts/pack.mjs <dir>` packs into <dir> and prints the tarballs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, workspaces } from './workspaces.mjs';

/** Workspaces that are published: not private (the examples and the benchmarks are). */
export function publishedWorkspaces(root = repoRoot) {
  return workspaces(root).filter(({ pkg }) => !pkg.private);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** Packs every published workspace (built first: dist/ is what ships) into `dest`; returns the tarball paths. */
export function packPublished(dest, root = repoRoot) {
  mkdirSync(dest, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dest];
  for (const { dir } of publishedWorkspaces(root)) args.push('-w', dir);
  const packed = JSON.parse(run('npm', args, root));
  return packed.map((p) => path.join(dest, p.filename));
}

/**
 * Installs tarballs into `prefix` (made a package of its own, so npm looks no further up) as a
 * user would: `npm install <tarballs>`; dev dependencies and install scripts left out.
 */
export function installTarballs(prefix, tarballs) {
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  // --prefer-offline: modules already in npm's cache are not fetched again (the test runs faster).
  const flags = ['--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts', '--prefer-offline'];
  run('npm', ['install', ...flags, ...tarballs], prefix);
  return path.join(prefix, 'node_modules', '.bin', process.platform === 'win32' ? 'mcpkit.cmd' : 'mcpkit');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dest = path.resolve(process.argv[2] ?? 'dist-packages');
  for (const tarball of packPublished(dest)) console.log(tarball);
}
