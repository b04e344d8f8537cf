import type { AuthInfo, LoggingLevel, ServerContext } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { type Era, type HandlerContext, type HandlerLogger, principalOf } from '../define/context.js';

const CLIENT_LEVEL: Record<keyof HandlerLogger, LoggingLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
};

/** Builds the handler's context from the SDK's request context. */
export function handlerContext(
  sdk: ServerContext,
  signal: AbortSignal,
  era: Era,
  auth: AuthInfo | undefined,
  logger: Logger,
): HandlerContext {
  const progressToken = sdk.mcpReq._meta?.progressToken;
  let last = Number.NEGATIVE_INFINITY;
  const log = (level: keyof HandlerLogger) => (message: string, data?: Record<string, unknown>) => {
    logger[level](data ?? {}, message);
    // MCP logging reaches the client only where the era and its level filter allow; never fatal.
    sdk.mcpReq.log(CLIENT_LEVEL[level], data ? { message, ...data } : message).catch(() => {});
  };
  return {
    signal,
    era,
    auth,
    principal: principalOf(auth),
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    async progress(progress, total, message) {
      // The spec requires progress to increase; drop stale or repeated reports.
      if (progressToken === undefined || !(progress > last) || signal.aborted) return;
      last = progress;
      await sdk.mcpReq
        .notify({
          method: 'notifications/progress',
          params: {
            progressToken,
            progress,
            ...(total !== undefined ? { total } : {}),
            ...(message ? { message } : {}),
          },
        })
        .catch(() => {});
    },
  };
}
