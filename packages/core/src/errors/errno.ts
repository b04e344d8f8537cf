/**
 * Node system error codes in words a caller can act on, without anything about the host. One
 * table for every server (files, sockets, databases).
 */
export const ERRNO_TEXT: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'a folder on this path is a file, not a directory',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files; retry shortly',
  ENFILE: 'too many open files; retry shortly',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EXDEV: 'cannot move across devices (copy the file and delete the original instead)',
  EBUSY: 'resource busy',
  EINVAL: 'invalid operation for this path',
  ETIMEDOUT: 'timed out',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed; retry shortly',
});

/** The words for a Node error's code, or undefined when it has none we describe. */
export function errnoText(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ? ERRNO_TEXT[code] : undefined;
}
