/**
 * An error whose message is written for the caller (the model): it names what went wrong and
 * how to fix it, and never holds a path or detail the caller may not see. Thrown anywhere in a
 * handler, it reaches the client unchanged as an `isError` result (tools) or a JSON-RPC error
 * (resources, prompts).
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  /** JSON-RPC code used when the error surfaces from a resource read or prompt get. */
  readonly code: number;
  /** Structured details the client may use (for example `retryAfterMs`). */
  readonly data?: Record<string, unknown>;

  constructor(
    message: string,
    options: { code?: number; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? -32602;
    this.data = options.data;
  }
}

/** True for errors whose message is safe to show the caller as written. */
export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError || (error instanceof Error && error.name === 'ToolError');
}
