import type { Dirent } from 'node:fs';
import type { DirHandle } from '../sandbox/sandbox.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface WalkEntry {
  readonly name: string;
  /** Path from the walk's base, `/`-separated. */
  readonly rel: string;
  readonly kind: EntryKind;
  /** 1 for the base's own entries. */
  readonly depth: number;
  /** The open directory holding the entry (reach it with `parent.child(name)`). */
  readonly parent: DirHandle;
}

/** What a visitor answers: go on (descending into a folder), skip the folder's inside, or stop. */
export type VisitResult = undefined | 'prune' | 'stop';

export interface WalkOptions {
  /** Resume strictly after this entry (its path components) in walk order. */
  after?: readonly string[];
  /** Entries deeper than this are not visited (1 = the base's own entries). */
  maxDepth?: number;
  signal?: AbortSignal;
  /** Called once per folder, with its entries, before any of them is visited. */
  enter?: (dir: DirHandle, rel: string, entries: readonly Dirent[]) => void;
  /** Called when a folder's walk is done. */
  leave?: (rel: string) => void;
  /** Called between slices of work (about every 15 ms), e.g. to report progress. */
  tick?: () => void;
}

export interface WalkSummary {
  /** The visitor stopped the walk before the end. */
  stopped: boolean;
  folders: number;
  /** Folders that could not be opened or listed (permissions, or changed under the walk). */
  unreadable: number;
  /** Folders not entered because of the hard depth limit. */
  tooDeep: number;
}

/** Deepest a walk goes whatever is asked: each level holds one open descriptor. */
export const HARD_MAX_DEPTH = 128;
const SLICE_MS = 15;

interface Frame {
  dir: DirHandle;
  rel: string;
  depth: number;
  entries: Dirent[];
  next: number;
  /** Remaining resume components while this folder is on the resume path. */
  after: readonly string[] | undefined;
  owned: boolean;
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function kindOf(entry: Dirent): EntryKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Walks a directory tree depth-first in a stable order (names sorted by code unit), so a
 * walk can resume after any entry. Symbolic links are reported, never followed. Folders are
 * opened through their parent's descriptor (see DirHandle). The work runs in synchronous
 * slices (far faster than one promise per call) and yields between slices, where it checks
 * for cancellation, so it never holds the event loop for long.
 */
export async function walk(
  base: DirHandle,
  visit: (entry: WalkEntry) => VisitResult | Promise<VisitResult>,
  options: WalkOptions = {},
): Promise<WalkSummary> {
  const maxDepth = Math.min(options.maxDepth ?? HARD_MAX_DEPTH, HARD_MAX_DEPTH);
  const summary: WalkSummary = { stopped: false, folders: 0, unreadable: 0, tooDeep: 0 };
  const stack: Frame[] = [];
  const push = (
    dir: DirHandle,
    rel: string,
    depth: number,
    after: readonly string[] | undefined,
    owned: boolean,
  ) => {
    let entries: Dirent[];
    try {
      entries = dir.list();
    } catch {
      summary.unreadable++;
      if (owned) dir.close();
      return;
    }
    entries.sort(byName);
    summary.folders++;
    options.enter?.(dir, rel, entries);
    stack.push({ dir, rel, depth, entries, next: 0, after: after?.length ? after : undefined, owned });
  };
  push(base, '', 0, options.after, false);
  let sliceStart = performance.now();
  let counter = 0;
  try {
    while (stack.length) {
      if ((++counter & 255) === 0) {
        options.signal?.throwIfAborted();
        if (performance.now() - sliceStart > SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          options.signal?.throwIfAborted();
          options.tick?.();
          sliceStart = performance.now();
        }
      }
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.entries.length) {
        stack.pop();
        options.leave?.(frame.rel);
        if (frame.owned) frame.dir.close();
        continue;
      }
      const dirent = frame.entries[frame.next++]!;
      const name = dirent.name;
      let childAfter: readonly string[] | undefined;
      let report = true;
      if (frame.after) {
        const bound = frame.after[0]!;
        if (name < bound) continue; // wholly before the resume point
        if (name === bound) {
          report = false; // the resume entry itself, or a folder on the way to it
          childAfter = frame.after.length > 1 ? frame.after.slice(1) : undefined;
        }
        frame.after = undefined; // every later sibling comes after the resume point
      }
      const kind = kindOf(dirent);
      const rel = frame.rel ? `${frame.rel}/${name}` : name;
      const depth = frame.depth + 1;
      let result: VisitResult;
      if (report) {
        const outcome = visit({ name, rel, kind, depth, parent: frame.dir });
        // A visitor may need to wait (a large file searched window by window): rare, so the
        // common synchronous answer costs nothing extra.
        result = outcome instanceof Promise ? await outcome : outcome;
        if (result === 'stop') {
          summary.stopped = true;
          break;
        }
      }
      if (kind !== 'dir' || result === 'prune' || depth >= maxDepth) {
        if (kind === 'dir' && depth >= HARD_MAX_DEPTH) summary.tooDeep++;
        continue;
      }
      const child = frame.dir.openDir(name, rel);
      if (!child) {
        summary.unreadable++;
        continue;
      }
      push(child, rel, depth, childAfter, true);
    }
  } finally {
    for (const frame of stack) if (frame.owned) frame.dir.close();
  }
  return summary;
}
