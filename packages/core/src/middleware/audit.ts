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
 * their values, which may be secrets or file contents), the outcome and the duration.
 */
export function audit(options: AuditOptions = {}): Middleware {
  return async (call, next) => {
    const log = options.logger ?? call.logger;
    const record = {
      audit: true,
      principal: call.principal,
      kind: call.kind,
      name: call.name,
      era: call.era,
      ...(call.kind === 'resource' ? { uri: call.uri } : { args: Object.keys(call.input ?? {}) }),
    };
    try {
      const outcome = await next();
      const isError = call.kind === 'tool' && (outcome as CallToolResult).isError === true;
      log.info({ ...record, outcome: isError ? 'error' : 'ok', ms: Date.now() - call.startedAt }, 'call');
      return outcome;
    } catch (error) {
      log.info(
        { ...record, outcome: 'error', error: describeError(error), ms: Date.now() - call.startedAt },
        'call',
      );
      throw error;
    }
  };
}
