// The workspace packages and the servers they declare, read from the root package.json: the one
// list a new package is added to. The build, the CLI's server list and the bundler derive from it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every workspace: its folder (relative to the root) and its package.json. */
export function workspaces() {
  const { workspaces: dirs = [] } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return dirs.map((dir) => ({
    dir,
    pkg: JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')),
  }));
}

/** Workspaces with a tsconfig.json, in the workspace list's order (tsc -b orders by references). */
export function typescriptProjects() {
  return workspaces().filter(({ dir }) => existsSync(path.join(root, dir, 'tsconfig.json')));
}

/**
 * Packages that declare servers: package.json `"mcpkit": { "declaration": "./declaration" }`
 * names the export whose `servers` array the CLI serves.
 */
export function serverPackages() {
  return workspaces()
    .filter(({ pkg }) => typeof pkg.mcpkit?.declaration === 'string')
    .map(({ dir, pkg }) => ({
      dir,
      name: pkg.name,
      specifier: `${pkg.name}/${pkg.mcpkit.declaration.replace(/^\.\//, '')}`,
    }));
}
