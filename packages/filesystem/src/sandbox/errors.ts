import { ERRNO_TEXT, ToolError } from '@mcpkit/core';

const MAX_SHOWN = 300;

/**
 * A path as the caller gave it, fit for a message: control characters escaped, very long
 * paths shortened. Never a real path the server resolved, so nothing outside leaks.
 */
export function shownPath(input: string): string {
  let text = /[\u0000-\u001f\u007f]/.test(input) ? JSON.stringify(input).slice(1, -1) : input;
  if (text.length > MAX_SHOWN) text = `${text.slice(0, MAX_SHOWN / 2)}…${text.slice(-MAX_SHOWN / 2)}`;
  return text;
}

/** A refusal or failure about one path, worded for the caller and naming the path as given. */
export class PathError extends ToolError {
  constructor(input: string, problem: string, data?: Record<string, unknown>) {
    super(`${shownPath(input)}: ${problem}`, data ? { data } : {});
  }
}

export const OUTSIDE =
  'outside the allowed directories (call list_allowed_directories to see them; paths may be absolute or relative to the first one)';

export const HARDLINK_REFUSED =
  'refused: this file has other hard links, so it may be the same file as one outside the allowed directories (the server option --allow-hardlinks permits it)';

/**
 * Rewords a Node fs error about `input` (whose message would hold a resolved or /proc path)
 * into a PathError naming the path as given. Anything else passes through unchanged.
 */
export function pathFailure(input: string, error: unknown): unknown {
  if (error instanceof ToolError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && ERRNO_TEXT[code]) return new PathError(input, ERRNO_TEXT[code]!);
  if (error instanceof Error) Object.assign(error, { displayPath: shownPath(input) });
  return error;
}

/** Runs `work`, rewording any fs error as a PathError about `input`. */
export async function about<T>(input: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw pathFailure(input, error);
  }
}

/** The synchronous `about`. */
export function aboutSync<T>(input: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw pathFailure(input, error);
  }
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
