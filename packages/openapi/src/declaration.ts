import { isAbsolute, resolve } from 'node:path';
import { declareServer, option } from '@mcpkit/core';
import * as z from 'zod';

const pairs = option
  .list()
  .refine((items) => items.every((item) => /^[^=\s]+=/.test(item)), 'expected name=value pairs');

/** The server's own options (core adds --read-only and --allow-writes). */
export const openapiOptions = z
  .object({
    spec: z
      .string()
      .min(1, 'give the spec: a file (JSON or YAML, .gz too) or an http(s) URL')
      .describe('OpenAPI 3.x or Swagger 2.0 spec: a file (JSON or YAML, .gz too) or an http(s) URL'),
    baseUrl: z.string().url().optional().describe("The API's base URL (overrides the spec's servers)"),
    include: option
      .list()
      .optional()
      .describe(
        'Serve only these operations: tag:NAME, a path glob (/pets/**), a method (GET), an operationId, ' +
          '"GET /path"',
      ),
    exclude: option.list().optional().describe('Leave these operations out (same rules as include)'),
    allowDelete: option
      .list()
      .optional()
      .describe('DELETE operations to serve (same rules; needs --allow-writes too)'),
    includeDeprecated: option
      .flag()
      .default(false)
      .describe('Also serve operations the spec marks deprecated'),
    maxTools: option
      .whole(1, 1000)
      .default(40)
      .describe('More operations than this are served in dynamic mode (three meta-tools)'),
    mode: z
      .enum(['auto', 'static', 'dynamic'])
      .default('auto')
      .describe('static: a tool per operation; dynamic: list/describe/call meta-tools; auto: by maxTools'),
    envPrefix: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'upper-case letters, digits and _')
      .default('OPENAPI')
      .describe('Prefix of the credential variables: <PREFIX>_<SCHEME>_TOKEN, _KEY, _USER/_PASSWORD ...'),
    serverVars: pairs.optional().describe('Values for {variables} in the server URL: name=value,...'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra request headers (config file only; sent only to the API origin, like credentials)'),
    timeout: option.whole(1, 600).default(30).describe('Seconds one request may take, redirects included'),
    maxResponseBytes: option
      .size()
      .default(64 * 1024)
      .describe('Response text past this is cut (the total is said)'),
    maxRequestBytes: option
      .size()
      .default(1024 * 1024)
      .describe('Largest request body sent'),
    validate: z
      .enum(['auto', 'full', 'structural', 'off'])
      .default('auto')
      .describe('Spec checks at start: full schema validation (auto: up to 4 MB), structural past that'),
  })
  .strict();

/** How `mcpkit serve openapi <spec>` and config files name and configure this server. */
export const servers = [
  declareServer({
    name: 'openapi',
    description:
      'Any OpenAPI 3.x or Swagger 2.0 API as tools (read-only unless --allow-writes; ' +
      'dynamic mode for large APIs)',
    options: openapiOptions,
    args: { option: 'spec', synopsis: '<spec file or URL>' },
    env: { spec: 'OPENAPI_SPEC', baseUrl: 'OPENAPI_BASE_URL' },
    paths: ['spec'],
    writes: 'off',
    async create(options, { cwd, env, logger }) {
      const { createOpenApiServer } = await import('./server.js');
      const spec =
        /^https?:\/\//i.test(options.spec) || isAbsolute(options.spec)
          ? options.spec
          : resolve(cwd, options.spec);
      const serverVariables = Object.fromEntries(
        (options.serverVars ?? []).map((pair) => [
          pair.slice(0, pair.indexOf('=')),
          pair.slice(pair.indexOf('=') + 1),
        ]),
      );
      const { module } = await createOpenApiServer({
        spec,
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        ...(options.include ? { include: options.include } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
        ...(options.allowDelete ? { allowDelete: options.allowDelete } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        serverVariables,
        allowWrites: options.writes,
        includeDeprecated: options.includeDeprecated,
        maxTools: options.maxTools,
        mode: options.mode,
        envPrefix: options.envPrefix,
        env,
        timeoutMs: options.timeout * 1000,
        maxResponseBytes: options.maxResponseBytes,
        maxRequestBytes: options.maxRequestBytes,
        validate: options.validate,
        onLoaded: (s) => {
          logger.info(
            { api: s.title, mode: s.mode, served: s.served, notServed: s.notServed, baseUrl: s.baseUrl },
            `openapi: ${s.title}: ${s.served} operations served (${s.mode})`,
          );
          if (s.baseUrlProblem) logger.warn(`openapi: ${s.baseUrlProblem}`);
          for (const warning of s.warnings) logger.warn(`openapi: spec warning: ${warning.slice(0, 500)}`);
        },
      });
      return module;
    },
  }),
];
