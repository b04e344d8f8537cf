import type { AuthInfo } from '@modelcontextprotocol/server';
import { ClientCannotAnswerError, type ElicitAnswer, type SampleAnswer } from '../ask/types.js';
import type { ClientRoot, Era, HandlerContext } from '../define/context.js';
import { principalOf } from '../define/context.js';

export interface TestContextOptions {
  signal?: AbortSignal;
  auth?: AuthInfo;
  era?: Era;
  /** Receives every progress report. */
  onProgress?: (progress: number, total?: number, message?: string) => void;
  /** Receives every log line. */
  onLog?: (level: string, message: string, data?: Record<string, unknown>) => void;
  /** The client's roots, as a 2025-era client would offer them. */
  roots?: ClientRoot[];
  /** The namespace prefix the server is mounted under (`fs_`), for servedName(). */
  servedPrefix?: string;
  /**
   * Answers the user gives to `ctx.elicit`, in order (or a function of the message). Without
   * it the test client cannot ask: `elicit` rejects with ClientCannotAnswerError.
   */
  elicit?: ElicitAnswer[] | ((message: string) => ElicitAnswer);
  /** What the client's model answers to `ctx.sample`; without it sampling is unsupported. */
  sample?: (request: Parameters<HandlerContext['sample']>[0]) => SampleAnswer;
}

/** A handler context for calling a tool, resource or prompt handler directly, without a protocol. */
export function createTestContext(options: TestContextOptions = {}): HandlerContext {
  const log = (level: string) => (message: string, data?: Record<string, unknown>) =>
    options.onLog?.(level, message, data);
  return {
    signal: options.signal ?? new AbortController().signal,
    era: options.era ?? 'legacy',
    auth: options.auth,
    principal: principalOf(options.auth),
    ...(options.roots ? { listRoots: async () => options.roots } : {}),

    servedName: (name) => `${options.servedPrefix ?? ''}${name}`,
    releaseStream: () => false,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    async progress(progress, total, message) {
      options.onProgress?.(progress, total, message);
    },
    canAsk: (kind) =>
      kind === 'elicitation'
        ? Boolean(options.elicit)
        : kind === 'sampling'
          ? Boolean(options.sample)
          : Boolean(options.roots),
    async elicit(spec) {
      const answers = options.elicit;
      if (!answers) throw new ClientCannotAnswerError('elicitation');
      const answer = typeof answers === 'function' ? answers(spec.message) : answers.shift();
      if (!answer) throw new Error(`createTestContext: no answer left for "${spec.message}"`);
      return answer as any;
    },
    async sample(spec) {
      if (!options.sample) throw new ClientCannotAnswerError('sampling');
      return options.sample(spec);
    },
    async roots() {
      if (!options.roots) throw new ClientCannotAnswerError('roots');
      return options.roots;
    },
  };
}
