import fs from 'node:fs/promises';
import path from 'node:path';

/** One allowed directory: as configured (shown to callers) and as it really is on disk. */
export interface Root {
  /** Absolute, as the user configured it (what list_allowed_directories shows). */
  readonly shown: string;
  /** realpath of `shown`: every containment check compares against this. */
  readonly real: string;
  /** Identity of the directory, for checks on volumes that ignore case or Unicode form. */
  readonly dev: bigint;
  readonly ino: bigint;
}

/** Resolves configured directories into roots; each must exist and be a directory. */
export async function loadRoots(dirs: readonly string[], cwd: string): Promise<Root[]> {
  const roots: Root[] = [];
  for (const dir of dirs) {
    if (typeof dir !== 'string' || !dir || dir.includes('\u0000'))
      throw new Error(`Invalid directory "${dir}"`);
    if (dir === '~' || /^~[\\/]/.test(dir))
      throw new Error(`"${dir}": "~" is not expanded; give the full path`);
    const shown = path.resolve(cwd, dir);
    let real: string;
    try {
      real = await fs.realpath(shown);
    } catch {
      throw new Error(`Allowed directory "${dir}" does not exist or cannot be read`);
    }
    const stat = await fs.stat(real, { bigint: true });
    if (!stat.isDirectory()) throw new Error(`Allowed directory "${dir}" is not a directory`);
    if (roots.some((r) => r.real === real)) continue;
    roots.push({ shown, real, dev: stat.dev, ino: stat.ino });
  }
  if (roots.length === 0) throw new Error('Give at least one allowed directory');
  return roots;
}

/** True when `child` is `parent` or below it, compared by whole path components. */
export function isWithin(child: string, parent: string): boolean {
  if (child === parent) return true;
  const base = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(base);
}

/** The first `count` components of an absolute path (the root prefix counts as one). */
export function leadingComponents(absolute: string, count: number): string {
  const { root } = path.parse(absolute);
  const parts = absolute.slice(root.length).split(path.sep).filter(Boolean);
  return root + parts.slice(0, count - 1).join(path.sep);
}

export function componentCount(absolute: string): number {
  const { root } = path.parse(absolute);
  return 1 + absolute.slice(root.length).split(path.sep).filter(Boolean).length;
}

/** Comparison key on volumes that ignore case or Unicode normalization (a prefilter only). */
export function looseKey(text: string): string {
  return text.normalize('NFC').toLowerCase();
}
