import type { AuthInfo } from '@modelcontextprotocol/server';
import type {
  AskKind,
  ClientRoot,
  ElicitAnswer,
  ElicitSpec,
  SampleAnswer,
  SampleSpec,
} from '../ask/types.js';

export type { ClientRoot } from '../ask/types.js';

/** The protocol family a connection speaks: 2025 revisions (`legacy`) or 2026-07-28 (`modern`). */
export type Era = 'legacy' | 'modern';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** Logs from a handler go to stderr (pino) and, where the era and the client allow, to the client. */
export interface HandlerLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/**
 * What a tool, resource or prompt handler receives besides its input. Everything a handler
 * needs from the protocol is here, so a handler can be unit-tested with `createTestContext()`.
 */
export interface HandlerContext {
  /** Aborted when the client cancels, the connection closes, or the call times out. */
  signal: AbortSignal;
  /** Reports progress when the client asked for it (a progress token); a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  log: HandlerLogger;
  /** The verified caller (HTTP with auth); undefined on stdio. */
  auth?: AuthInfo;
  /** A stable name for the caller: the token's subject or client id, or `local` on stdio. */
  principal: string;
  era: Era;
  /**
   * The client's roots (folders it offers), on connections where the client declared them
   * (2025 era); absent otherwise. Servers that touch files narrow what they serve to them.
   */
  listRoots?: () => Promise<ClientRoot[] | undefined>;
  /**
   * The name another tool or prompt of the same server is served under: `read_text_file` is
   * `fs_read_text_file` when the server is mounted as `fs`. Name tools this way in any text a
   * model reads, so it is never sent to a tool that does not exist.
   */
  servedName(name: string): string;
  /**
   * Asks the user to fill a form (elicitation) and resolves with the answer. The same in both
   * eras: a request to a 2025-era client; for 2026-07-28 the call answers `input_required` and
   * runs again when the client retries with the answer, so code before a question may run
   * more than once (keep side effects after the questions). When the client cannot answer
   * (see `canAsk`), a 2025-era call rejects with `ClientCannotAnswerError` (an `isError` result
   * if uncaught) and a 2026-07-28 call ends with that era's MissingRequiredClientCapability
   * error (-32021): check `canAsk` first to do without.
   */
  elicit<T extends Record<string, unknown> = Record<string, unknown>>(
    spec: ElicitSpec<T>,
  ): Promise<ElicitAnswer<T>>;
  /** Asks the client's model for a completion (sampling); as `elicit` for eras and errors. */
  sample(spec: SampleSpec): Promise<SampleAnswer>;
  /** Asks the client for its roots (folders it offers); as `elicit` for eras and errors. */
  roots(options?: { key?: string }): Promise<ClientRoot[]>;
  /** Whether the client declared it can answer this kind of question. */
  canAsk(kind: AskKind): boolean;
  /**
   * Closes this call's HTTP response stream before the result is ready (SSE polling, SEP-1699),
   * so a long call holds no connection: the client reconnects with `Last-Event-ID` and the
   * result is replayed to it from the session's event store. Returns false, and changes
   * nothing, where the call has no such stream (stdio, 2026-07-28 requests, JSON responses).
   */
  releaseStream(): boolean;
}

/** The principal a call is attributed to: used by rate limits, cache keys and the audit log. */
export function principalOf(auth: AuthInfo | undefined): string {
  if (!auth) return 'local';
  const sub = auth.extra?.sub;
  if (typeof sub === 'string' && sub) return sub;
  return auth.clientId || 'anonymous';
}
