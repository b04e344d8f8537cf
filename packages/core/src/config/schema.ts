import * as z from 'zod';
import { DEFAULT_JWT_ALGORITHMS } from '../transports/http/options.js';

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

/** Redis shared by several nodes: the event bus, the 2025 event store, the cache, rate limits. */
export const RedisConfigSchema = z
  .object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL (use ${REDIS_URL})')
      .describe('redis://host:port or rediss:// (TLS); put it in ${REDIS_URL}'),
    keyPrefix: z.string().max(64).default('mcpkit:').describe('Prefix of every key and channel'),
    tls: z
      .union([
        z.boolean(),
        z
          .object({
            ca: z.string().min(1).optional().describe('CA certificate (PEM text, e.g. ${REDIS_CA})'),
            servername: z.string().min(1).optional(),
            rejectUnauthorized: z.boolean().default(true),
          })
          .strict(),
      ])
      .optional()
      .describe('TLS options (rediss:// turns TLS on)'),
    connectTimeoutMs: positiveInt.max(60_000).default(2000),
    commandTimeoutMs: positiveInt.max(60_000).default(1000).describe('A command past this falls back'),
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
          .object({
            kind: z.literal('redis'),
            url: z.string().min(1).optional().describe('Default: the redis section'),
            keyPrefix: z.string().optional(),
          })
          .strict(),
      ])
      .default({ kind: 'memory' })
      .describe('Where counters live: memory (per node) or redis (shared; url from the redis section)'),
    whenStoreDown: z
      .enum(['local', 'open', 'closed'])
      .optional()
      .describe('While Redis is unreachable: count per node (default), let calls pass, or refuse them'),
  })
  .strict();

/** A bearer token a client may present: the secret (use `${ENV_VAR}`), who it is, what it may do. */
const StaticTokenSchema = z
  .object({
    token: z
      .string()
      .min(16, 'use at least 16 random characters (e.g. `openssl rand -hex 32`)')
      .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'a bearer token uses letters, digits and -._~+/ only'),
    principal: z.string().min(1).describe('Who the token stands for (rate limits, audit, sessions)'),
    scopes: z.array(z.string()).default([]),
  })
  .strict();

/** JWT access tokens, verified against the authorization server's key set. */
const JwtSchema = z
  .object({
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Key set URL (https; http on loopback only)'),
    jwksFile: z.string().min(1).optional().describe('Key set file, relative to the config'),
    issuer: z.string().min(1).describe('The accepted iss'),
    audience: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe("Accepted aud; default this server's URL"),
    algorithms: z.array(z.enum(DEFAULT_JWT_ALGORITHMS)).min(1).optional(),
    clockToleranceSec: z.number().int().min(0).max(300).default(5),
  })
  .strict()
  .refine(
    (jwt) => Boolean(jwt.jwksUrl) !== Boolean(jwt.jwksFile),
    'give exactly one of jwksUrl and jwksFile',
  );

export const HttpConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Interface to bind; beyond loopback needs auth'),
    port: z.number().int().min(0).max(65535).default(3000),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'a path starting with /')
      .default('/mcp'),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The URL clients use, behind a proxy'),
    allowedHosts: z.array(z.string().min(1)).default([]).describe('Extra Host names accepted'),
    allowedOrigins: z.array(z.string().min(1)).default([]).describe('Browser origins accepted'),
    auth: z
      .object({
        tokens: z.array(StaticTokenSchema).optional(),
        jwt: JwtSchema.optional(),
        authorizationServers: z.array(z.url()).optional(),
        scopesSupported: z.array(z.string()).optional(),
        requiredScopes: z.array(z.string()).optional(),
      })
      .strict()
      .refine((auth) => Boolean(auth.tokens?.length || auth.jwt), 'auth needs tokens or jwt')
      .optional(),
    metrics: z
      .boolean()
      .optional()
      .describe('Prometheus metrics at /metrics (default: on for a loopback bind, off otherwise)'),
    statusPage: z.boolean().optional().describe('The read-only status page at / (default on)'),
    limits: z
      .object({
        maxBodyBytes: positiveInt.optional(),
        maxDepth: z.number().int().min(2).max(1000).optional(),
        maxSessions: positiveInt.optional(),
        maxSessionsPerPrincipal: positiveInt.optional(),
        sessionIdleSec: positiveInt.optional(),
        maxSubscriptions: positiveInt.optional(),
        maxSubscriptionsPerPrincipal: positiveInt.optional(),
      })
      .strict()
      .default({}),
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
      .default({}),
    /**
     * Any other MCP server, in Claude Desktop's shape (`{ command, args, env }` or `{ url, headers }`,
     * plus mcpkit's per-server keys), served through the gateway under its key as a namespace.
     */
    mcpServers: z.record(z.string().min(1).max(64), z.record(z.string(), z.unknown())).default({}),
    readOnly: z.boolean().default(false),
    /**
     * Ask the user before a destructive tool runs: `destructive`, or
     * `{ tools: destructive, withoutElicitation: refuse | proceed }` (refuse by default).
     */
    confirm: z
      .union([
        z.enum(['off', 'destructive']),
        z
          .object({
            tools: z.literal('destructive'),
            withoutElicitation: z.enum(['refuse', 'proceed']).default('refuse'),
          })
          .strict(),
      ])
      .default('off'),
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
    cache: z
      .object({
        ttlMs: positiveInt,
        max: positiveInt.optional(),
        store: z
          .enum(['memory', 'redis'])
          .optional()
          .describe('Default: redis when a redis section exists (shared by every node), else memory'),
      })
      .strict()
      .optional(),
    /** Redis shared by several nodes (see deploy/README.md). */
    redis: RedisConfigSchema.optional(),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        audit: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', audit: true }),
    /** Settings for `mcpkit serve --http` (serving over Streamable HTTP). */
    http: HttpConfigSchema.optional(),
  })
  .strict()
  .refine((config) => Object.keys(config.servers).length + Object.keys(config.mcpServers).length > 0, {
    message: 'at least one server is needed',
    path: ['servers'],
  })
  .refine(
    (config) => config.rateLimit?.store?.kind !== 'redis' || config.rateLimit.store.url || config.redis,
    {
      message: 'a redis rate-limit store needs a url, or a redis section',
      path: ['rateLimit', 'store'],
    },
  )
  .refine((config) => config.cache?.store !== 'redis' || config.redis, {
    message: 'cache.store redis needs a redis section',
    path: ['cache', 'store'],
  });

export type McpkitConfig = Omit<z.output<typeof ConfigSchema>, 'http'> & { http?: HttpConfig };
export type McpkitConfigInput = z.input<typeof ConfigSchema>;
export type ServerConfig = z.output<typeof ServerConfigSchema>;
export type RedisConfig = z.output<typeof RedisConfigSchema>;
/** The http section; `redis` is the top-level redis section, attached when the config is parsed. */
export type HttpConfig = z.output<typeof HttpConfigSchema> & { redis?: RedisConfig };
