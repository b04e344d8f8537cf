import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { describeError } from '../errors/sanitize.js';
import type { Middleware } from './types.js';

export interface AuditOptions {
  /** Where audit records go; the call's own logger by default. */
  logger?: Logger;
}

/**
 * One structured record per call: who (principal), what (kind, name, argument names, never
 * their values, which may be secrets or file contents), the outcome and the duration. A failed
 * call records the kind of error (its class, its errno or JSON-RPC code), never its text, which
 * often quotes an argument; at debug level a second record carries the (path-redacted) text.
 */
export function audit(options: AuditOptions = {}): Middleware {
  // One child logger per (logger, principal, kind, name, era): pino serialises a child's
  // bindings once, so each record only writes what changes per call. Bounded, then rebuilt.
  const children = new WeakMap<Logger, Map<string, Logger>>();
  const childFor = (log: Logger, call: Parameters<Middleware>[0]): Logger => {
    let byKey = children.get(log);
    if (!byKey) {
      byKey = new Map();
      children.set(log, byKey);
    }

    const key = `${call.principal}\u0000${call.kind}\u0000${call.name}\u0000${call.era}`;
    let child = byKey.get(key);
    if (!child) {
      if (byKey.size >= 1000) byKey.clear();
      child = log.child({
        audit: true,
        principal: call.principal,
        kind: call.kind,
        name: call.name,
        era: call.era,
      });
      byKey.set(key, child);
    }
    return child;
  };
  return (call, next) => {
    const log = options.logger ?? call.logger;
    if (!log.isLevelEnabled('info')) return next();
    return next().then(
      (outcome) => {
        const isError = call.kind === 'tool' && (outcome as CallToolResult).isError === true;
        childFor(log, call).info(
          { ...what(call), outcome: isError ? 'error' : 'ok', ms: Date.now() - call.startedAt },
          'call',
        );
        return outcome;
      },
      (error: unknown) => {
        const child = childFor(log, call);
        child.info(
          { ...what(call), outcome: 'error', error: errorKind(error), ms: Date.now() - call.startedAt },
          'call',
        );
        // An error's text may quote the arguments (a path, a query): only at debug level, when asked.
        if (child.isLevelEnabled('debug')) child.debug({ detail: describeError(error) }, 'call failed');
        throw error;
      },
    );
  };
}

/** The per-call part of a record: argument names (never values), or the resource URI. */
function what(call: Parameters<Middleware>[0]) {
  return call.kind === 'resource' ? { uri: call.uri } : { args: Object.keys(call.input ?? {}).join(',') };
}

/** What kind of error, without its text: `ToolError`, `Error ENOENT`, `McpError -32602`. */
function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const shown =
    typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : typeof code === 'number' ? code : '';
  return `${error.name || 'Error'}${shown !== '' ? ` ${shown}` : ''}`;
}
