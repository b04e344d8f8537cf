import type { AuthInfo, LoggingLevel, ServerContext } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { NO_ASKING } from '../ask/askers.js';
import {
  elicitQuestion,
  readElicitAnswer,
  readRoots,
  readSampleAnswer,
  rootsQuestion,
  sampleQuestion,
} from '../ask/questions.js';
import type { Asker, AskKind, ElicitAnswer, ElicitSpec, SampleAnswer, SampleSpec } from '../ask/types.js';
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

type Served = { readonly servedPrefix?: string };

/** What every call on one connection (or one HTTP request) shares. */
export interface Connection {
  era: Era;
  auth: AuthInfo | undefined;
  logger: Logger;
  listRoots?: () => Promise<ClientRoot[] | undefined>;
}

/**
 * The handler's context, built from the SDK's request context. A class with prototype getters:
 * the signal and the logger are made on first use (most calls touch neither), and a trivial
 * call's cost is mostly allocation.
 */
class CallContext implements HandlerContext {
  readonly era: Era;
  readonly auth: AuthInfo | undefined;
  readonly principal: string;
  readonly listRoots?: () => Promise<ClientRoot[] | undefined>;
  private lastProgress = Number.NEGATIVE_INFINITY;
  private handlerLog: HandlerLogger | undefined;

  constructor(
    private readonly sdk: ServerContext,
    private readonly source: { readonly signal: AbortSignal },
    private readonly connection: Connection,
    private readonly asker: Asker = NO_ASKING,
  ) {
    this.era = connection.era;
    this.auth = connection.auth;
    this.principal = principalOf(connection.auth);
    if (connection.listRoots) this.listRoots = connection.listRoots;
  }

  servedName(name: string): string {
    const source = this.source as { tool?: Served; prompt?: Served; resource?: Served };
    const item = source.tool ?? source.prompt ?? source.resource;
    return `${item?.servedPrefix ?? ''}${name}`;
  }

  get signal(): AbortSignal {
    return this.source.signal;
  }

  canAsk(kind: AskKind): boolean {
    return this.asker.can(kind);
  }

  async elicit<T extends Record<string, unknown>>(spec: ElicitSpec<T>): Promise<ElicitAnswer<T>> {
    const question = elicitQuestion(spec);
    return readElicitAnswer(question, await this.asker.ask(question, spec.key)) as ElicitAnswer<T>;
  }

  async sample(spec: SampleSpec): Promise<SampleAnswer> {
    return readSampleAnswer(await this.asker.ask(sampleQuestion(spec), spec.key));
  }

  async roots(options: { key?: string } = {}): Promise<ClientRoot[]> {
    return readRoots(await this.asker.ask(rootsQuestion(), options.key));
  }

  releaseStream(): boolean {
    // Present only on a 2025-era streamed response whose session keeps an event store.
    const close = this.sdk.http?.closeSSE;
    if (!close) return false;
    close();
    return true;
  }

  get log(): HandlerLogger {
    if (!this.handlerLog) {
      const { logger } = this.connection;
      const sdk = this.sdk;
      const at = (level: keyof HandlerLogger) => (message: string, data?: Record<string, unknown>) => {
        logger[level](data ?? {}, message);
        // MCP logging reaches the client only where the era and its level filter allow; never fatal.
        sdk.mcpReq.log(CLIENT_LEVEL[level], data ? { message, ...data } : message).catch(() => {});
      };
      this.handlerLog = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    }
    return this.handlerLog;
  }

  async progress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = this.sdk.mcpReq._meta?.progressToken;
    // The spec requires progress to increase; drop stale or repeated reports.
    if (progressToken === undefined || !(progress > this.lastProgress) || this.signal.aborted) return;
    this.lastProgress = progress;
    await this.sdk.mcpReq
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
  }
}

/** The context a handler receives for one call (`source` supplies its abort signal). */
export function handlerContext(
  sdk: ServerContext,
  source: { readonly signal: AbortSignal },
  connection: Connection,
  asker?: Asker,
): HandlerContext {
  return new CallContext(sdk, source, connection, asker);
}
