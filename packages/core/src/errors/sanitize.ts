import { ERRNO_TEXT } from './errno.js';
import { isToolError } from './tool-error.js';

// Absolute POSIX paths (two or more segments), Windows drive paths and UNC paths, and file:// URLs.
const ABSOLUTE_PATH = /(?:file:\/\/)?(?:[A-Za-z]:[\\/]|\\\\[^\s\\]+\\|\/(?=[^\s/'"`]+\/))[^\s'"`,;)]*/g;

/** Removes absolute paths and stack frames from a message. */
export function redactPaths(message: string): string {
  const firstLine = message.split('\n    at ')[0] ?? message;
  return firstLine.replace(ABSOLUTE_PATH, '<path>');
}

/**
 * Turns any thrown value into a message fit for the caller: a ToolError keeps its message; a
 * system error becomes its plain description (with the path as the caller gave it, when the
 * thrower attached one as `displayPath`); anything else keeps its message with absolute paths
 * and stack traces removed.
 */
export function describeError(error: unknown): string {
  if (isToolError(error)) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = (error as { displayPath?: unknown }).displayPath;
    if (code && ERRNO_TEXT[code]) {
      return typeof shown === 'string' ? `${shown}: ${ERRNO_TEXT[code]}` : ERRNO_TEXT[code]!;
    }
    const text = redactPaths(error.message || error.name || 'unknown error');
    return text.trim() || 'unknown error';
  }
  if (typeof error === 'string') return redactPaths(error);
  return 'unknown error';
}
