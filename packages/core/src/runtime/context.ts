import type { AuthInfo, LoggingLevel, ServerContext } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import {
  type ClientRoot,
  type Era,
  type HandlerContext,
  type HandlerLogger,
  principalOf,
} from '../define/context.js';

const CLIENT_LEVEL: Record<keyof HandlerLogger, LoggingLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
};

/** What every call on one connection (or one HTTP request) shares. */
export interface Connection {
  era: Era;
  auth: AuthInfo | undefined;
  logger: Logger;
  listRoots?: () => Promise<ClientRoot[] | undefined>;
}

/**
 * Builds the handler's context
 from the SDK's request context. The signal and the logger are
 * made on first use: most calls touch neither, and a trivial call's cost is mostly allocation.
 */
export function handlerContext(
  sdk: ServerContext,
  signalOf: () => AbortSignal,
  connection: Connection,
): HandlerContext {
  const { era, auth, logger, listRoots } = connection;
  const progressToken = sdk.mcpReq._meta?.progressToken;
  let last = Number.NEGATIVE_INFINITY;
  let handlerLog: HandlerLogger | undefined;
  const log = (level: keyof HandlerLogger) => (message: string, data?: Record<string, unknown>) => {
    logger[level](data ?? {}, message);
    // MCP logging reaches the client only where the era and its level filter allow; never fatal.
    sdk.mcpReq.log(CLIENT_LEVEL[level], data ? { message, ...data } : message).catch(() => {});
  };
  return {
    get signal() {
      return signalOf();
    },
    era,
    auth,
    principal: principalOf(auth),
    ...(listRoots ? { listRoots } : {}),
    get log() {
      handlerLog ??= { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
      return handlerLog;
    },
    async progress(progress, total, message) {
      // The spec requires progress to increase; drop stale or repeated reports.
      if (progressToken === undefined || !(progress > last) || signalOf().aborted) return;

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
