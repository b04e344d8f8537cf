import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { describeError } from '../errors/sanitize.js';
import { isToolError } from '../errors/tool-error.js';
import type { Call, CallOutcome, Middleware } from './types.js';

/**
 * Outermost layer. A tool failure becomes an `isError` result whose text the model can act on;
 * a resource or prompt failure becomes a JSON-RPC error. Either way: no stack trace, no
 * absolute path. The full error goes to the log.
 */
export function errorMapping(): Middleware {
  // Promise-chained rather than async/await: this wraps every call.
  return (call, next) => next().then(undefined, (error: unknown) => mapError(call, error));
}

function mapError(call: Call, error: unknown): CallOutcome {
  if (error instanceof ProtocolError) throw error; // already a wire error with a chosen code
  const message = describeError(error);
  if (!isToolError(error))
    call.logger.error({ err: error, kind: call.kind, name: call.name }, 'handler failed');
  if (call.kind === 'tool') {
    const data = isToolError(error) ? error.data : undefined;
    return {
      content: [{ type: 'text', text: message }],
      isError: true,
      ...(data ? { _meta: { 'dev.mcpkit/error': data } } : {}),
    };
  }
  const code = isToolError(error) ? error.code : ProtocolErrorCode.InternalError;
  throw new ProtocolError(code, message, isToolError(error) ? error.data : undefined);
}
