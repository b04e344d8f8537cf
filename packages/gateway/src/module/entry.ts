import * as z from 'zod';
import type { UpstreamScope } from '../upstream/pool.js';
import { type LifecycleInput, restartSchema, type UpstreamTarget } from '../upstream/spec.js';

/** mcpkit's own keys, allowed next to a Claude Desktop entry's. */
const policyKeys = {
  /** Upstream tool names or globs (as the upstream names them); deny wins. */
  tools: z
    .object({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() })
    .strict()
    .optional(),
  /** Serve only tools whose annotations say readOnlyHint: true. */
  readOnly: z.boolean().optional(),
  /** Per-call time limit for this server's tools (ms). */
  timeoutMs: z.number().int().min(1).optional(),
  start: z.enum(['lazy', 'eager']).optional(),
  restart: restartSchema.partial().optional(),
  scope: z.enum(['shared', 'perPrincipal', 'perSession']).optional(),
  /** Ignored by the gateway (Claude Desktop's own switch). */
  disabled: z.boolean().optional(),
};

const stdioEntry = z
  .object({
    type: z.literal('stdio').optional(),
    command: z.string().min(1, 'command is empty'),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    ...policyKeys,
  })
  .strict();

const remoteEntry = z
  .object({
    type: z.enum(['http', 'streamable-http', 'sse']).optional(),
    url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
    headers: z.record(z.string(), z.string()).default({}),
    ...policyKeys,
  })
  .strict();

/** An `mcpServers` entry: `{ command, args, env }` or `{ url, headers, type }`, plus mcpkit's keys. */
export const gatewayEntrySchema = z.union([stdioEntry, remoteEntry]);
export type GatewayEntry = z.input<typeof gatewayEntrySchema>;

export interface ParsedEntry {
  target: UpstreamTarget;
  lifecycle: LifecycleInput;
  scope: UpstreamScope;
  policy: { readOnly?: boolean; allow?: string[]; deny?: string[] };
  timeoutMs?: number;
  disabled: boolean;
}

/** A config entry made into what the gateway runs; throws an Error naming the key and the problem. */
export function parseEntry(key: string, entry: unknown): ParsedEntry {
  const parsed = gatewayEntrySchema.safeParse(entry);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`)
      .slice(0, 5)
      .join('; ');
    throw new Error(`mcpServers.${key}: ${problems}`);
  }
  const value = parsed.data;
  const target: UpstreamTarget =
    'command' in value
      ? {
          kind: 'stdio',
          command: value.command,
          args: value.args,
          env: value.env,
          ...(value.cwd ? { cwd: value.cwd } : {}),
        }
      : {
          kind: 'remote',
          url: value.url,
          headers: value.headers,
          ...(value.type ? { type: value.type as 'http' | 'streamable-http' | 'sse' } : {}),
        };
  const lifecycle: LifecycleInput = {
    ...(value.start ? { start: value.start } : {}),
    ...(value.restart
      ? {
          restart: {
            maxCrashesPerMinute: value.restart.maxCrashesPerMinute ?? 6,
            backoffMs: value.restart.backoffMs ?? [250, 30_000],
          },
        }
      : {}),
  };
  return {
    target,
    lifecycle,
    // Remote servers keep per-client state in their session: one connection per session unless told.
    scope: value.scope ?? (target.kind === 'remote' ? 'perSession' : 'shared'),
    policy: {
      ...(value.readOnly !== undefined ? { readOnly: value.readOnly } : {}),
      ...(value.tools?.allow ? { allow: value.tools.allow } : {}),
      ...(value.tools?.deny ? { deny: value.tools.deny } : {}),
    },
    ...(value.timeoutMs ? { timeoutMs: value.timeoutMs } : {}),
    disabled: value.disabled ?? false,
  };
}
