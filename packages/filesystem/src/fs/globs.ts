import picomatch from 'picomatch';
import * as z from 'zod';

/**
 * A tool's list of globs: bounded, since every entry a walk visits is tested against each of
 * them (thousands of patterns would make one search as slow as thousands).
 */
export function globList(description: string) {
  return z.array(z.string().max(1024)).max(100).optional().describe(description);
}

/**
 * A set of glob patterns, compiled once. A pattern without `/` matches a name at any depth
 * (like `find -name`); one with `/` matches the path from the search folder (`src/**\/*.ts`;
 * a leading `/` or `./` anchors it there). Dot files match like any other.
 */
export interface GlobSet {
  readonly patterns: readonly string[];
  matches(rel: string, name: string, isDir: boolean): boolean;
}

export function compileGlobs(patterns: readonly string[] | undefined): GlobSet | undefined {
  const list = (patterns ?? []).map((p) => p.trim()).filter(Boolean);
  if (list.length === 0) return undefined;
  const byName: RegExp[] = [];
  const byPath: RegExp[] = [];
  for (const raw of list) {
    let pattern = raw.replace(/\\/g, '/');
    const anchored = pattern.startsWith('/') || pattern.startsWith('./');
    pattern = pattern.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (!pattern) continue;
    const target = anchored || pattern.includes('/') ? byPath : byName;
    target.push(picomatch.makeRe(pattern, { dot: true }));
  }
  return {
    patterns: list,
    matches(rel, name, isDir) {
      for (const re of byName) if (re.test(name)) return true;
      for (const re of byPath) if (re.test(rel) || (isDir && re.test(`${rel}/`))) return true;
      return false;
    },
  };
}
