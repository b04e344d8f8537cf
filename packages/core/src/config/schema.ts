import * as z from 'zod';

const positiveInt = z.number().int().positive();

const ToolFilter = z
  .object({
    allow: z.array(z.string()).optional().describe('Tool names or globs; only these exist'),
    deny: z.array(z.string()).optional().describe('Tool names or globs removed'),
    scopes: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe('Scopes needed per tool glob (HTTP auth)'),
  })
  .strict();

/** One mounted server: a built-in by name, with its arguments and options. */
export const ServerConfigSchema = z
  .object({
    server: z.string().min(1).describe('Built-in server name (mcpkit serve --list shows them)'),
    args: z.array(z.string()).default([]),
    options: z.record(z.string(), z.unknown()).default({}),
    namespace: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,15}$/)
      .optional()
      .describe('Tool name prefix when several servers are mounted; defaults to the entry key'),
    readOnly: z.boolean().optional(),
    tools: ToolFilter.optional(),
  })
  .strict();

export const RateLimitSchema = z
  .object({
    points: positiveInt,
    durationSec: positiveInt,
    store: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('memory') }).strict(),
        z
          .object({ kind: z.literal('redis'), url: z.string().min(1), keyPrefix: z.string().optional() })
          .strict(),
      ])
      .default({ kind: 'memory' }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    name: z.string().default('mcpkit'),
    servers: z
      .record(
        z.string().regex(/^[a-z][a-z0-9]{0,15}$/, 'server keys are 1-16 lowercase letters/digits'),
        ServerConfigSchema,
      )
      .refine((servers) => Object.keys(servers).length > 0, 'at least one server is needed'),
    readOnly: z.boolean().default(false),
    tools: ToolFilter.default({}),
    limits: z
      .object({
        timeoutMs: z.number().int().min(0).default(60_000),
        maxOutputBytes: positiveInt.default(256 * 1024),
        maxMessageBytes: positiveInt.default(16 * 1024 * 1024),
        maxInputElements: positiveInt.default(100_000),
      })
      .strict()
      .default({
        timeoutMs: 60_000,
        maxOutputBytes: 256 * 1024,
        maxMessageBytes: 16 * 1024 * 1024,
        maxInputElements: 100_000,
      }),
    rateLimit: RateLimitSchema.optional(),
    cache: z.object({ ttlMs: positiveInt, max: positiveInt.optional() }).strict().optional(),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        audit: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', audit: true }),
    /** Transport settings (HTTP) are validated by the transport that reads them. */
    http: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type McpkitConfig = z.output<typeof ConfigSchema>;
export type McpkitConfigInput = z.input<typeof ConfigSchema>;
export type ServerConfig = z.output<typeof ServerConfigSchema>;

/** Claude Desktop's claude_desktop_config.json shape. */
export const ClaudeDesktopSchema = z.object({
  mcpServers: z.record(
    z.string(),
    z
      .object({
        command: z.string().min(1),
        args: z.array(z.string()).default([]),
        env: z.record(z.string(), z.string()).optional(),
      })
      .loose(),
  ),
});
