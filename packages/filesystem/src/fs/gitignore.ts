import fs from 'node:fs';
import type { Ignore } from 'ignore';
import type { DirHandle } from '../sandbox/sandbox.js';

const MAX_IGNORE_FILE = 1024 * 1024;

interface Layer {
  /** A .gitignore above the walk's base, or one found during the walk. */
  above: boolean;
  /** During the walk: the folder of the .gitignore, relative to the walk base ('' for the base). */
  base: string;
  /** Above the walk: the base's path as seen from the .gitignore's folder, with a trailing `/`. */
  lead: string;
  rules: Ignore;
}

/**
 * The .gitignore rules in force during a walk, as git applies them: each file speaks for its
 * own folder and below, a deeper file overrides a shallower one, and an ignored folder is not
 * entered (so nothing inside it can be re-included). `.git` folders are always skipped.
 */
export class GitignoreStack {
  private readonly layers: Layer[] = [];

  private constructor(private readonly compile: (text: string) => Ignore) {}

  /** Loads the rules engine on first use (it is not needed until a content search). */
  static async create(): Promise<GitignoreStack> {
    const { default: ignore } = await import('ignore');
    // git folds case in ignore rules where the filesystem does (core.ignorecase).
    const ignoreCase = process.platform === 'darwin' || process.platform === 'win32';
    return new GitignoreStack((text) => ignore({ ignoreCase }).add(text));
  }

  /**
   * Rules from folders above the walk base, nearest last: `lead` is the base's path as seen
   * from that folder (`packages/app` for the repository root of `packages/app`).
   */
  addAbove(text: string, lead: string): void {
    this.layers.push({ above: true, base: '', lead: lead ? `${lead}/` : '', rules: this.compile(text) });
  }

  /** On entering a folder: load its .gitignore, if it has one. */
  enter(dir: DirHandle, rel: string, hasIgnoreFile: boolean): void {
    if (!hasIgnoreFile) return;
    const text = readSmall(dir, '.gitignore');
    if (text !== undefined)
      this.layers.push({ above: false, base: rel, lead: '', rules: this.compile(text) });
  }

  /** On leaving a folder: drop its rules. */
  leave(rel: string): void {
    const top = this.layers[this.layers.length - 1];
    if (top && !top.above && top.base === rel) this.layers.pop();
    // The rules engine remembers every path it was asked about; a walk asks about each entry
    // once, so that memory would only grow (by ~30 MB on 100k files). Drop it per folder: at
    // worst it re-checks a few parent folders. (If the field is ever renamed, only memory suffers.)
    for (const layer of this.layers)
      (layer.rules as unknown as { _testCache: object })._testCache = Object.create(null);
  }

  ignored(rel: string, name: string, isDir: boolean): boolean {
    if (isDir && name === '.git') return true;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      let path: string;
      if (layer.above) path = layer.lead + rel;
      else if (layer.base === '') path = rel;
      else if (rel.startsWith(`${layer.base}/`)) path = rel.slice(layer.base.length + 1);
      else continue;
      const verdict = layer.rules.test(isDir ? `${path}/` : path);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }
}

/** Reads a small regular file inside an open folder, or undefined if it is not one. */
export function readSmall(dir: DirHandle, name: string, max = MAX_IGNORE_FILE): string | undefined {
  const opened = dir.openFile(name);
  if (!opened) return undefined;
  try {
    if (!dir.sandbox.linkAllowed(opened.stat)) return undefined;
    const size = Math.min(opened.stat.size, max);
    const buffer = Buffer.allocUnsafe(size);
    const read = fs.readSync(opened.fd, buffer, 0, size, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(opened.fd);
  }
}
