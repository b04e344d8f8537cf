/**
 * Middleware: `(call, next)` around every tool call, resource read and prompt get. Return
 * `next()` to pass the call on (and look at or change its outcome), or return an outcome of your
 * own to answer without running the handler. Yours run inside the built-in chain (error mapping,
 * audit, rate limit, timeout, output limit, cache), nearest the handler; a tool call's `input`
 * has already been validated against the tool's schema.
 */
import { type Middleware, toolError } from '@mcpkit/core';

// Shapes of common API keys (OpenAI, GitHub, Slack, AWS): a model pasting one into a tool call.
const SECRET =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b/;

function holdsSecret(value: unknown): boolean {
  if (typeof value === 'string') return SECRET.test(value);
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value && typeof value === 'object') return Object.values(value).some(holdsSecret);
  return false;
}

/** Refuses a tool call whose arguments hold what looks like an API key, before any handler sees it. */
export function refuseSecrets(): Middleware {
  return async (call, next) => {
    if (call.kind !== 'tool' || !holdsSecret(call.input)) return next();
    // Say what went wrong without echoing the secret back.
    call.logger.warn({ tool: call.name }, 'refused a call holding a secret');
    return toolError(
      `${call.name} was not run: its arguments hold what looks like an API key. Leave it out.`,
    );
  };
}
