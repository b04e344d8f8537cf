import fs from 'node:fs';
import os from 'node:os';

const C = fs.constants;
/** 0 where the platform has no such flag (Windows), so OR-ing it in is always safe. */
export const O_NOFOLLOW: number = C.O_NOFOLLOW ?? 0;
export const O_DIRECTORY: number = C.O_DIRECTORY ?? 0;
/** Opening a FIFO must not block the server waiting for a writer. */
export const O_NONBLOCK: number = C.O_NONBLOCK ?? 0;

/**
 * macOS 11+ (Darwin 20+): O_NOFOLLOW_ANY makes open(2) refuse a symbolic link anywhere on the
 * path, so opening an already-resolved real path cannot be redirected by a folder swapped for
 * a link. Node does not name the flag; its value is fixed by the macOS headers.
 */
export const O_NOFOLLOW_ANY: number =
  process.platform === 'darwin' && Number(os.release().split('.')[0]) >= 20 ? 0x20000000 : 0;

let procFd: boolean | undefined;

/**
 * True where `/proc/self/fd/N` names an open descriptor's file (Linux). There the sandbox opens
 * every child through its parent's descriptor (`/proc/self/fd/N/name`, the equivalent of
 * openat) and reads back the exact path of whatever it opened; elsewhere it re-checks the path
 * after opening and compares device and inode numbers.
 */
export function hasProcFd(): boolean {
  if (procFd !== undefined) return procFd;
  procFd = false;
  if (process.platform !== 'linux') return procFd;
  try {
    const fd = fs.openSync('/', C.O_RDONLY | O_DIRECTORY);
    try {
      procFd = fs.readlinkSync(`/proc/self/fd/${fd}`) === '/';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    procFd = false;
  }
  return procFd;
}

/** The path through which an open descriptor can be used again (Linux only). */
export function fdLink(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** Where the file open on `fd` is now, or undefined if it was deleted (Linux only). */
export function fdRealPath(fd: number): string | undefined {
  const target = fs.readlinkSync(fdLink(fd));
  return target.endsWith(' (deleted)') ? undefined : target;
}
