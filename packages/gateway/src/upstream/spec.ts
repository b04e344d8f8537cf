import { basename } from 'node:path';
import * as z from 'zod';

/** A server name: it becomes the namespace of every tool, so it is short and plain. */
export const upstreamName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,23}$/, 'a server name is 1-24 characters of a-z, 0-9 and "-"');

export const stdioUpstreamSchema = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
});

export const remoteUpstreamSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  /** "http": Streamable HTTP only; "sse": the legacy SSE transport only; absent: HTTP, then SSE. */
  type: z.enum(['http', 'streamable-http', 'sse']).optional(),
});

export const restartSchema = z.object({
  /** Crashes within a minute that park the upstream as failed (the sixth by default). */
  maxCrashesPerMinute: z.number().int().min(1).default(6),
  /** First and longest wait before a restart; each crash in the last minute doubles it. */
  backoffMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([250, 30_000]),
});

export const lifecycleSchema = z.object({
  /** "lazy": started by the first use; "eager": started with the gateway. */
  start: z.enum(['lazy', 'eager']).default('lazy'),
  restart: restartSchema.default({ maxCrashesPerMinute: 6, backoffMs: [250, 30_000] }),
  /** Time allowed for a start (spawn or connect, and the handshake). */
  connectTimeoutMs: z.number().int().min(100).default(30_000),
  /** Lines of stderr kept for the status view. */
  stderrLines: z.number().int().min(1).max(10_000).default(200),
});

export type StdioUpstream = z.output<typeof stdioUpstreamSchema>;
export type RemoteUpstream = z.output<typeof remoteUpstreamSchema>;
export type UpstreamTarget = ({ kind: 'stdio' } & StdioUpstream) | ({ kind: 'remote' } & RemoteUpstream);
export type Lifecycle = z.output<typeof lifecycleSchema>;
export type LifecycleInput = z.input<typeof lifecycleSchema>;

/** A one-line, secret-free description of where an upstream lives (for status and errors). */
export function describeTarget(target: UpstreamTarget): string {
  if (target.kind === 'stdio') return `stdio: ${basename(target.command)}`;
  const url = new URL(target.url);
  return `${target.type === 'sse' ? 'sse' : 'http'}: ${url.origin}${url.pathname}`;
}
