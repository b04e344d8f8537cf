import { readFileSync } from 'node:fs';

/**
 * The `version` of the package.json nearest above a module (`import.meta.url`), read once at
 * load, so no package writes its version twice. Falls back to 0.0.0 when none is found.
 */
export function packageVersion(moduleUrl: string): string {
  let dir = new URL('.', moduleUrl);
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version?: unknown };
      if (typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one folder up
    }
    const parent = new URL('..', dir);
    if (parent.href === dir.href) break;
    dir = parent;
  }
  return '0.0.0';
}
