import type { AuthInfo } from '@modelcontextprotocol/server';
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
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    async progress(progress, total, message) {
      options.onProgress?.(progress, total, message);
    },
  };
}
