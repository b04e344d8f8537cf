import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PathError } from './errors.js';

/** Longest path string accepted (characters); longer ones are refused before touching the disk. */
export const MAX_PATH_LENGTH = 4096;

export type InputPath = { kind: 'absolute'; path: string } | { kind: 'relative'; path: string };

const WINDOWS = process.platform === 'win32';

/**
 * Reads a caller's path string into an absolute or relative native path, refusing what must
 * never reach the filesystem. Nothing is trimmed, unquoted or re-encoded: the string resolved
 * is the string used, so a check cannot pass on one spelling while the open uses another.
 *
 * - NUL and other C0 control bytes: refused (a NUL would cut the path short in C).
 * - `~` and `~/...`: never expanded, refused with a hint (`~name` is an ordinary relative name).
 * - `file://` URIs: accepted for local files (host empty or `localhost`), decoded once.
 * - Windows: device and verbatim namespaces (`\\.\`, `\\?\`) and alternate data streams refused.
 *   POSIX: a Windows drive path (`C:\...`) is refused rather than read as a relative name.
 */
export function parseInputPath(input: unknown): InputPath {
  if (typeof input !== 'string') throw new PathError(String(input), 'a path must be a string');
  if (input.length === 0) throw new PathError('""', 'empty path; give a path inside the allowed directories');
  if (input.length > MAX_PATH_LENGTH)
    throw new PathError(input, `path longer than ${MAX_PATH_LENGTH} characters`);
  if (input.includes('\u0000')) throw new PathError(input, 'path contains a NUL byte');
  if (/[\u0001-\u001f]/.test(input)) throw new PathError(input, 'path contains a control character');

  let text = input;
  if (/^file:/i.test(text)) text = fromFileUri(input);
  // `~` and `~/...` would mean the server's home to a shell; here they are refused, not guessed.
  // A name that merely starts with `~` (say `~draft.txt`) is an ordinary relative name.
  if (text === '~' || /^~[\\/]/.test(text)) {
    throw new PathError(
      input,
      '"~" is not expanded; give the path absolute or relative to an allowed directory',
    );
  }
  if (WINDOWS) {
    if (/^[\\/]{2}[.?][\\/]/.test(text))
      throw new PathError(input, 'device and verbatim paths (\\\\.\\, \\\\?\\) are not accepted');
    const afterDrive = text.replace(/^[A-Za-z]:/, '');
    if (afterDrive.includes(':')) throw new PathError(input, 'alternate data streams (":") are not accepted');
  } else if (/^[A-Za-z]:([\\/]|$)/.test(text)) {
    throw new PathError(input, 'a Windows drive path on a POSIX host; give a POSIX path');
  }
  return path.isAbsolute(text)
    ? { kind: 'absolute', path: path.resolve(text) }
    : { kind: 'relative', path: text };
}

function fromFileUri(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new PathError(input, 'not a valid file:// URI');
  }
  if (url.protocol !== 'file:') throw new PathError(input, 'only file:// URIs are accepted');
  if (url.host && url.host !== 'localhost')
    throw new PathError(input, 'file:// URIs naming another host are not accepted');
  if (url.search || url.hash) throw new PathError(input, 'a file:// URI may not carry a query or fragment');
  url.host = '';
  try {
    const decoded = fileURLToPath(url);
    if (decoded.includes('\u0000')) throw new PathError(input, 'path contains a NUL byte');
    return decoded;
  } catch (error) {
    if (error instanceof PathError) throw error;
    throw new PathError(input, 'not a valid local file:// URI (encoded separators are refused)');
  }
}
