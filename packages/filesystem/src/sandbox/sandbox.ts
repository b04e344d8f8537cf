import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { about, aboutSync, errorCode, HARDLINK_REFUSED, OUTSIDE, PathError, pathFailure } from './errors.js';
import { parseInputPath } from './input-path.js';
import {
  fdLink,
  fdRealPath,
  hasProcFd,
  O_DIRECTORY,
  O_NOFOLLOW,
  O_NOFOLLOW_ANY,
  O_NONBLOCK,
} from './platform.js';
import { componentCount, isWithin, leadingComponents, loadRoots, looseKey, type Root } from './roots.js';

export interface SandboxOptions {
  /**
   * Read and write regular files that have more than one hard link. Off by default: a hard
   * link inside a root may be the very same file as one outside, and nothing on the inside
   * tells which; the sandbox refuses the content of such files rather than guess.
   */
  allowHardlinks?: boolean;
  /** Use the portable (macOS/Windows) checks even where /proc/self/fd exists. For tests. */
  portable?: boolean;
}

/** A caller's path after the sandbox accepted it. Use `real` for every filesystem call. */
export interface Resolved {
  /** As the caller gave it: the only form that may appear in a message. */
  readonly input: string;
  /** Absolute, symbolic links resolved; below the deepest existing folder, the names given. */
  readonly real: string;
  readonly exists: boolean;
  /** The names below the deepest existing folder (empty when the path exists). */
  readonly missing: readonly string[];
  readonly root: Root;
}

export interface OpenedFile {
  readonly handle: ReadableFile;
  readonly stat: fs.BigIntStats;
}

/**
 * A regular file the sandbox opened for reading. Reads and the close are synchronous system
 * calls behind a promise-shaped API: on a local disk each takes microseconds, while a
 * thread-pool round trip per step (as with fs/promises) cost a small read several times more
 * CPU than the read itself. Reads are bounded by the tools' byte limits; the directory walker
 * already reads this way.
 */
export class ReadableFile {
  private open = true;

  constructor(readonly fd: number) {}

  async read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Buffer }> {
    return { bytesRead: fs.readSync(this.fd, buffer, offset, length, position), buffer };
  }

  /** Closes once; a second close does nothing (the number may already name another file). */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    fs.closeSync(this.fd);
  }
}

interface Located {
  real: string;
  exists: boolean;
  missing: string[];
}

const MAX_LINK_HOPS = 40;
// Errors after which the path is resolved one component at a time to see where it stops.
const WALK_UP = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM']);

export const CHANGED =
  'changed while being opened (a folder on its path was replaced or moved); nothing was done, retry';

/**
 * The one module that decides every path. A path is accepted when its real location (every
 * symbolic link resolved, down to the deepest part that exists) lies inside an allowed root,
 * compared component by component against the roots' real paths, and by device and inode
 * where a volume ignores case or Unicode form. What is then opened is checked again, through
 * the descriptor itself, so a folder swapped for a link between check and use is caught.
 */
export class Sandbox {
  readonly roots: readonly Root[];
  readonly procFd: boolean;
  private readonly longestFirst: Root[];
  private narrowed = new Map<string, Promise<Sandbox>>();

  constructor(
    roots: readonly Root[],
    readonly options: SandboxOptions = {},
  ) {
    this.roots = roots;
    this.longestFirst = [...roots].sort((a, b) => b.real.length - a.real.length);
    this.procFd = !options.portable && hasProcFd();
  }

  static async create(dirs: readonly string[], cwd: string, options: SandboxOptions = {}): Promise<Sandbox> {
    return new Sandbox(await loadRoots(dirs, cwd), options);
  }

  /**
   * Accepts or refuses a caller's path. `follow: false` leaves a final symbolic link
   * unresolved (to move or describe the link itself); folders above it are always resolved.
   */
  async resolve(input: string, options: { follow?: boolean } = {}): Promise<Resolved> {
    const parsed = parseInputPath(input);
    if (this.roots.length === 0)
      throw new PathError(input, "refused: the client's roots do not overlap the allowed directories");
    let absolute: string;
    if (parsed.kind === 'absolute') absolute = parsed.path;
    else {
      const candidates = this.roots.map((root) => path.resolve(root.real, parsed.path));
      absolute = candidates[0]!;
      // A relative path means the first root, unless only another root has it.
      if (candidates.length > 1 && !(await exists(absolute))) {
        for (const candidate of candidates.slice(1)) {
          if (await exists(candidate)) {
            absolute = candidate;
            break;
          }
        }
      }
    }
    const follow = options.follow !== false;
    // A root itself, even unfollowed, is the root (its parent is outside by definition).
    const isRoot = !follow && this.roots.find((r) => r.real === absolute || r.shown === absolute);
    const located = isRoot
      ? { real: isRoot.real, exists: true, missing: [] }
      : await this.locate(absolute, follow, input, { hops: 0 });
    const root = this.rootOf(located.real);
    if (!root) throw new PathError(input, OUTSIDE);
    return { input, real: located.real, exists: located.exists, missing: located.missing, root };
  }

  /** Resolves and requires the path to exist. */
  async existing(input: string, options: { follow?: boolean } = {}): Promise<Resolved> {
    const resolved = await this.resolve(input, options);
    if (!resolved.exists) throw new PathError(input, 'no such file or directory');
    return resolved;
  }

  /**
   * Where `absolute` really is: realpath when it exists; otherwise the realpath of its deepest
   * existing ancestor plus the missing names, following a dangling link to where its target
   * would be. Every existing folder it passes through must be inside a root, so an error can
   * never describe a place outside (say, that a file there is not a directory).
   */
  private async locate(
    absolute: string,
    follow: boolean,
    input: string,
    state: { hops: number },
  ): Promise<Located> {
    if (follow) {
      try {
        // Synchronous: one realpath(3) on cached folders is cheaper than a thread-pool round trip.
        return { real: fs.realpathSync.native(absolute), exists: true, missing: [] };
      } catch (error) {
        if (!WALK_UP.has(errorCode(error) ?? '')) throw pathFailure(input, error);
      }
    }
    const parent = path.dirname(absolute);
    if (parent === absolute) return { real: absolute, exists: true, missing: [] };
    const name = path.basename(absolute);
    const above = await this.locate(parent, true, input, state);
    if (!above.exists)
      return { real: path.join(above.real, name), exists: false, missing: [...above.missing, name] };
    if (!this.rootOf(above.real)) throw new PathError(input, OUTSIDE);
    let candidate = path.join(above.real, name);
    let stat: fs.Stats;
    try {
      stat = await fsp.lstat(candidate);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw pathFailure(input, error);
      const twin = unicodeTwin(above.real, name);
      if (!twin) return { real: candidate, exists: false, missing: [name] };
      candidate = path.join(above.real, twin);
      stat = await about(input, () => fsp.lstat(candidate));
    }
    if (!follow || !stat.isSymbolicLink()) return { real: candidate, exists: true, missing: [] };
    if (++state.hops > MAX_LINK_HOPS) throw new PathError(input, 'too many levels of symbolic links');
    const target = await about(input, () => fsp.readlink(candidate));
    return this.locate(path.resolve(above.real, target), true, input, state);
  }

  /** The root holding a real path, or undefined when it is outside every root. */
  rootOf(real: string): Root | undefined {
    for (const root of this.longestFirst) if (isWithin(real, root.real)) return root;
    // Same folder under another spelling (case, Unicode form) on a volume that ignores it:
    // the string prefilter only picks a candidate; device and inode decide.
    for (const root of this.longestFirst) {
      const count = componentCount(root.real);
      if (componentCount(real) < count) continue;
      const prefix = leadingComponents(real, count);
      if (looseKey(prefix) !== looseKey(root.real)) continue;
      try {
        const stat = fs.statSync(prefix, { bigint: true });
        if (stat.dev === root.dev && stat.ino === root.ino) return root;
      } catch {
        // gone: not inside
      }
    }
    return undefined;
  }

  /** The real path of a resolved path relative to its root, with `/` separators ('' for the root). */
  relative(real: string, root: Root): string {
    const rel = path.relative(root.real, real);
    return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }

  /** Refuses the content (and metadata) of a multiply-linked file, under the hard-link policy. */
  refuseLinked(input: string, stat: fs.BigIntStats | fs.Stats): void {
    if (!this.options.allowHardlinks && stat.isFile() && Number(stat.nlink) > 1) {
      throw new PathError(input, HARDLINK_REFUSED);
    }
  }

  /** True when the file's content may be read or written under the hard-link policy. */
  linkAllowed(stat: { nlink: number | bigint; isFile(): boolean }): boolean {
    return this.options.allowHardlinks === true || !stat.isFile() || Number(stat.nlink) <= 1;
  }

  /**
   * Opens an existing regular file for reading, never through a final symbolic link, and
   * proves the descriptor is the file that was checked (Linux: its /proc/self/fd path is
   * inside a root; elsewhere: its device and inode match the path's, re-resolved after opening).
   */
  async openRead(resolved: Resolved): Promise<OpenedFile> {
    const { input } = resolved;
    const fd = aboutSync(input, () => {
      try {
        return fs.openSync(resolved.real, fs.constants.O_RDONLY | O_NOFOLLOW | O_NOFOLLOW_ANY | O_NONBLOCK);
      } catch (error) {
        if (errorCode(error) === 'ELOOP') throw new PathError(input, CHANGED);
        throw error;
      }
    });
    try {
      const stat = fs.fstatSync(fd, { bigint: true });
      if (stat.isDirectory()) throw new PathError(input, 'is a directory (use list_directory)');
      if (!stat.isFile()) throw new PathError(input, 'not a regular file (device, FIFO or socket)');
      this.refuseLinked(input, stat);
      this.verifyOpened(fd, stat, resolved);
      return { handle: new ReadableFile(fd), stat };
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  private verifyOpened(fd: number, stat: fs.BigIntStats, resolved: Resolved): void {
    if (this.procFd) {
      const now = fdRealPath(fd);
      if (!now || !this.rootOf(now)) throw new PathError(resolved.input, CHANGED);
      return;
    }
    try {
      const real = fs.realpathSync.native(resolved.real);
      const again = fs.statSync(real, { bigint: true });
      if (again.dev === stat.dev && again.ino === stat.ino && this.rootOf(real)) return;
    } catch {
      // fall through: the path no longer leads to the opened file
    }
    throw new PathError(resolved.input, CHANGED);
  }

  /** Opens an existing directory of a resolved path; close the handle when done. */
  async openDir(resolved: Resolved): Promise<DirHandle> {
    return DirHandle.openTop(this, resolved);
  }

  /** Opens the (existing) folder that holds a resolved path, to create or replace a name in it. */
  async openParent(resolved: Resolved): Promise<{ dir: DirHandle; name: string }> {
    const parentReal = path.dirname(resolved.real);
    if (parentReal === resolved.real) throw new PathError(resolved.input, 'refused: a filesystem root');
    const parent: Resolved = { ...resolved, real: parentReal, exists: true, missing: [] };
    if (!this.rootOf(parentReal)) throw new PathError(resolved.input, 'refused: an allowed directory itself');
    return { dir: await DirHandle.openTop(this, parent), name: path.basename(resolved.real) };
  }

  /**
   * This sandbox limited further to client roots (absolute paths from roots/list): the result
   * allows only what both allow. Results are cached per list of roots.
   */
  narrow(clientRoots: readonly string[]): Promise<Sandbox> {
    const key = JSON.stringify([...clientRoots].sort());
    let narrowed = this.narrowed.get(key);
    if (!narrowed) {
      narrowed = this.intersect(clientRoots);
      this.narrowed.set(key, narrowed);
      if (this.narrowed.size > 32) this.narrowed.delete(this.narrowed.keys().next().value!);
    }
    return narrowed;
  }

  private async intersect(clientRoots: readonly string[]): Promise<Sandbox> {
    const result: Root[] = [];
    for (const shown of clientRoots) {
      let real: string;
      let stat: fs.BigIntStats;
      try {
        real = await fsp.realpath(shown);
        stat = await fsp.stat(real, { bigint: true });
      } catch {
        continue;
      }
      if (!stat.isDirectory()) continue;
      for (const root of this.roots) {
        if (isWithin(real, root.real)) result.push({ shown, real, dev: stat.dev, ino: stat.ino });
        else if (isWithin(root.real, real)) result.push(root);
      }
    }
    const unique = result.filter((r, i) => result.findIndex((o) => o.real === r.real) === i);
    return new Sandbox(unique, this.options);
  }
}

/**
 * The one entry of `dir` that is `name` in another Unicode normalization form (a file made on
 * macOS, decomposed, asked for composed), or undefined. Only consulted when `name` is missing;
 * two candidates are ambiguous and match neither. The name found is then used throughout.
 */
function unicodeTwin(dir: string, name: string): string | undefined {
  if (/^[\x00-\x7f]*$/.test(name)) return undefined;
  const key = name.normalize('NFC');
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const twins = entries.filter((entry) => entry !== name && entry.normalize('NFC') === key);
  return twins.length === 1 ? twins[0] : undefined;
}

async function exists(candidate: string): Promise<boolean> {
  try {
    await fsp.lstat(candidate);
    return true;
  } catch {
    return false;
  }
}

/**
 * An open directory inside the sandbox. On Linux it holds a descriptor and every name inside
 * is reached through it (`/proc/self/fd/N/name`, as openat would), so a folder swapped for a
 * link between listing and opening cannot redirect anything. Elsewhere it holds the real path
 * and its device and inode, and re-checks both after each use.
 */
export class DirHandle {
  /** Jobs of a parallel search that name this folder and have not finished (see hold). */
  private holds = 0;
  private closeWanted = false;

  private constructor(
    readonly sandbox: Sandbox,
    /** The caller's path of this directory, for messages. */
    readonly input: string,
    /** The path through which names inside are reached. */
    readonly access: string,
    private fd: number | undefined,
    private readonly identity: { real: string; dev: bigint; ino: bigint } | undefined,
  ) {}

  static async openTop(sandbox: Sandbox, resolved: Resolved): Promise<DirHandle> {
    const { input, real } = resolved;
    if (sandbox.procFd) {
      const fd = await about(input, async () => {
        try {
          return fs.openSync(real, fs.constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        } catch (error) {
          if (errorCode(error) === 'ENOTDIR' && (await fsp.lstat(real)).isSymbolicLink())
            throw new PathError(input, CHANGED);
          throw error;
        }
      });
      const now = fdRealPath(fd);
      if (!now || !sandbox.rootOf(now)) {
        fs.closeSync(fd);
        throw new PathError(input, CHANGED);
      }
      return new DirHandle(sandbox, input, fdLink(fd), fd, undefined);
    }
    const stat = await about(input, () => fsp.lstat(real, { bigint: true }));
    if (stat.isSymbolicLink()) throw new PathError(input, CHANGED);
    if (!stat.isDirectory()) throw new PathError(input, 'not a directory');
    const handle = new DirHandle(sandbox, input, real, undefined, { real, dev: stat.dev, ino: stat.ino });
    handle.verify();
    return handle;
  }

  /** The path for a filesystem call on `name` inside this directory. */
  child(name: string): string {
    return this.identity ? path.join(this.access, name) : `${this.access}/${name}`;
  }

  /** The entries, unsorted. */
  list(): fs.Dirent[] {
    const entries = fs.readdirSync(this.access, { withFileTypes: true });
    this.verify();
    return entries;
  }

  /** Opens the subdirectory `name` (never through a link); undefined if it is not one now. */
  openDir(name: string, input: string): DirHandle | undefined {
    const target = this.child(name);
    try {
      if (!this.identity) {
        const fd = fs.openSync(target, fs.constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        return new DirHandle(this.sandbox, input, fdLink(fd), fd, undefined);
      }
      const stat = fs.lstatSync(target, { bigint: true });
      if (!stat.isDirectory()) return undefined;
      return new DirHandle(this.sandbox, input, target, undefined, {
        real: target,
        dev: stat.dev,
        ino: stat.ino,
      });
    } catch {
      return undefined;
    }
  }

  /**
   * Opens the regular file `name` for reading (never through a link) and returns its
   * descriptor and status, or undefined when it is not a regular file now. The caller applies
   * the hard-link policy and closes the descriptor.
   */
  openFile(name: string): { fd: number; stat: fs.Stats } | undefined {
    const target = this.child(name);
    let fd: number;
    try {
      fd = fs.openSync(target, fs.constants.O_RDONLY | O_NOFOLLOW | O_NOFOLLOW_ANY | O_NONBLOCK);
    } catch {
      return undefined;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new Error('not a file');
      if (this.identity) {
        const again = fs.lstatSync(target);
        if (again.dev !== stat.dev || again.ino !== stat.ino) throw new Error('changed');
        this.verify();
      }
      return { fd, stat };
    } catch {
      fs.closeSync(fd);
      return undefined;
    }
  }

  /**
   * Opens `name` for reading, never through a link, with no status call where the descriptor
   * path makes one unnecessary (Linux): the walker's fast path for files it already knows are
   * regular from their directory entry. Undefined when it cannot be opened.
   */
  openFileFd(name: string): number | undefined {
    if (this.identity) return this.openFile(name)?.fd;
    try {
      return fs.openSync(this.child(name), fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch {
      return undefined;
    }
  }

  /** Portable mode: the directory is still where it was checked, and still the same one. */
  verify(): void {
    if (!this.identity) return;
    try {
      const real = fs.realpathSync.native(this.identity.real);
      const stat = fs.lstatSync(real, { bigint: true });
      if (stat.dev === this.identity.dev && stat.ino === this.identity.ino && this.sandbox.rootOf(real))
        return;
    } catch {
      // fall through
    }
    throw new PathError(this.input, CHANGED);
  }

  /** fsync the directory itself, so a rename inside it survives a power cut (best effort). */
  syncSelf(): void {
    if (this.fd === undefined) return;
    try {
      fs.fsyncSync(this.fd);
    } catch {
      // some filesystems refuse fsync on a directory; the rename is still atomic
    }
  }

  /**
   * Keeps the descriptor open past close() until release(): another thread opens names through
   * it, and a descriptor number closed early could be reused by the next folder opened, which
   * would turn the other thread's path into a path in that folder.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds === 0 && this.closeWanted) this.close();
  }

  close(): void {
    if (this.holds > 0) {
      this.closeWanted = true;
      return;
    }
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
  }
}
