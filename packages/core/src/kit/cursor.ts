import { ToolError } from '../errors/tool-error.js';

/**
 * Opaque page cursors, one codec for every server: base64url JSON carrying the state to resume
 * from and a fingerprint of the request that produced it, so a cursor only resumes its own query.
 */
export function encodeCursor(state: Record<string, unknown>, request?: string): string {
  const value = request === undefined ? state : { ...state, q: request };
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Thrown (as a ToolError, so the model reads it) when a cursor is not one this server gave out. */
export class InvalidCursorError extends ToolError {
  constructor() {
    super(
      'Invalid cursor: pass back the cursor from the previous page unchanged, with the same other arguments',
    );
  }
}

/**
 * Reads a cursor made by `encodeCursor` with the same `request` fingerprint; anything else (a
 * guessed, edited or foreign cursor) is an InvalidCursorError.
 */
export function decodeCursor<T extends Record<string, unknown>>(cursor: string, request?: string): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T & { q?: string };
    if (value && typeof value === 'object' && !Array.isArray(value) && value.q === request) {
      delete value.q;
      return value;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** A short stable fingerprint of a request's arguments (FNV-1a over their JSON). */
export function requestKey(...parts: unknown[]): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(parts);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
