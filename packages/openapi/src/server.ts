import {
  annotations,
  DEFAULT_MAX_OUTPUT_BYTES,
  defineServer,
  defineTool,
  type HandlerContext,
  jsonSchema,
  packageVersion,
  type ServerModule,
  type ToolDefinition,
} from '@mcpkit/core';
import * as z from 'zod';
import { schemeVariables } from './auth/schemes.js';
import { describeOperation, OpenApiCatalog, type OpenApiOptions, type OperationEntry } from './catalog.js';
import { callOperation, describeOperationResult, listOperations } from './dynamic/meta.js';
import type { ToolResult } from './http/result.js';

const VERSION = packageVersion(import.meta.url);

export interface OpenApiServerOptions extends OpenApiOptions {
  /** The module's name (the config's mount name is a better one than the spec's title). Default `openapi`. */
  name?: string;
  /** Called once with what was loaded (for a start-up log line). */
  onLoaded?: (summary: OpenApiSummary) => void;
}

export interface OpenApiSummary {
  title: string;
  version: string;
  mode: 'static' | 'dynamic';
  served: number;
  notServed: Record<string, number>;
  /** Environment variables the spec's security schemes read. */
  credentials: string[];
  warnings: string[];
  baseUrl?: string;
  baseUrlProblem?: string;
}

/** The catalog and the module built on it, for callers that want both (tests, the CLI's summary). */
export interface OpenApiServer {
  module: ServerModule;
  catalog: OpenApiCatalog;
  summary: OpenApiSummary;
}

const served = (ctx: HandlerContext) => (tool: string) => ctx.servedName(tool);

const CORE_TIMEOUT_MS = 60_000;
const CORE_MAX_OUTPUT_BYTES = DEFAULT_MAX_OUTPUT_BYTES;

/**
 * Limits for tools that call the API, so core's server-wide ones (60 s, 256 KiB) never cut first when
 * this server's own are raised: time for a token request and the request itself, room for the text and
 * the structured copy of an answer.
 */
function callLimits(options: OpenApiOptions): { timeoutMs?: number; maxOutputBytes?: number } {
  const timeout = 2 * (options.timeoutMs ?? 30_000) + 5_000;
  const output = 2 * (options.maxResponseBytes ?? 64 * 1024) + 16 * 1024;
  return {
    ...(timeout > CORE_TIMEOUT_MS ? { timeoutMs: timeout } : {}),
    ...(output > CORE_MAX_OUTPUT_BYTES ? { maxOutputBytes: output } : {}),
  };
}

/** Results as the SDK types them (ours are plain data of the same shape). */
function asResult(result: ToolResult) {
  return result as import('@modelcontextprotocol/server').CallToolResult;
}

function operationTool(catalog: OpenApiCatalog, entry: OperationEntry): ToolDefinition {
  const { title, ...hints } = entry.annotations;
  return defineTool({
    name: entry.name,
    ...(title ? { title } : {}),
    description: describeOperation(entry.op),
    input: jsonSchema(catalog.input(entry).schema as any),
    annotations: hints,
    // Answers come from a live API: never from the response cache.
    cache: false,
    ...callLimits(catalog.options),
    handler: async (input, ctx) => asResult(await catalog.call(entry, input, ctx.signal)),
  });
}

function metaTools(catalog: OpenApiCatalog): ToolDefinition[] {
  const api = catalog.spec.title;
  const writes = catalog.entries.filter((e) => !e.annotations.readOnlyHint);
  const callHints =
    writes.length === 0
      ? annotations.readOnlyOpen
      : {
          readOnlyHint: false,
          destructiveHint: writes.some((e) => e.annotations.destructiveHint),
          idempotentHint: false,
          openWorldHint: true,
        };
  return [
    defineTool({
      name: 'list_operations',
      title: `List ${api} operations`,
      description:
        `Find operations of ${api} (${catalog.entries.length} served). Words in query must all appear ` +
        "in an operation's id, path, summary or tags; tag keeps one tag. 50 a page; pass nextCursor for " +
        'the next page. ' +
        'Then describe_operation for arguments, call_operation to call.',
      input: z.object({
        query: z
          .string()
          .max(200)
          .optional()
          .describe('Words that must all appear (id, path, summary, tags)'),
        tag: z.string().max(100).optional().describe('Only operations with this tag'),
        cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
      }),
      annotations: annotations.readOnly,
      handler: (input, ctx) => asResult(listOperations(catalog, input, served(ctx))),
    }),
    defineTool({
      name: 'describe_operation',
      title: `Describe a ${api} operation`,
      description:
        "An operation's method, path, summary, the credentials it needs and its arguments as JSON Schema " +
        '(at most 8 KB; detail is outlined when larger). id: from list_operations.',
      input: z.object({ id: z.string().min(1).max(200).describe('An id from list_operations') }),
      annotations: annotations.readOnly,
      handler: (input, ctx) => asResult(describeOperationResult(catalog, input.id, served(ctx))),
    }),
    defineTool({
      name: 'call_operation',
      title: `Call a ${api} operation`,
      description:
        'Calls an operation with arguments as describe_operation gives them; they are validated before ' +
        'anything is sent. JSON answers come back structured when they match the spec; long text is cut ' +
        '(the total size is said); API errors come back with their status.',
      input: z.object({
        id: z.string().min(1).max(200).describe('An id from list_operations'),
        arguments: z.record(z.string(), z.unknown()).optional().describe("The operation's arguments"),
      }),
      annotations: callHints,
      cache: false,
      ...callLimits(catalog.options),
      handler: async (input, ctx) =>
        asResult(await callOperation(catalog, input.id, input.arguments ?? {}, ctx.signal, served(ctx))),
    }),
  ];
}

/** Why a server would serve no operation at all, in words an operator can act on. */
function nothingServed(catalog: OpenApiCatalog): string[] {
  if (catalog.entries.length > 0) return [];
  const { filtered, write, delete: deletes, deprecated } = catalog.excluded;
  const reasons = [
    filtered ? `${filtered} left out by --include/--exclude` : '',
    write ? `${write} writes (--allow-writes serves them)` : '',
    deletes ? `${deletes} DELETEs (name them in --allow-delete)` : '',
    deprecated ? `${deprecated} deprecated (--include-deprecated)` : '',
  ].filter(Boolean);
  return [`no operation is served${reasons.length ? `: ${reasons.join('; ')}` : ' (the spec has none)'}`];
}

/**
 * An OpenAPI (or Swagger 2.0) API as an MCP server module: one tool per selected operation, or three
 * meta-tools (dynamic mode) past `maxTools`. The spec is loaded and checked here, once; the API itself is
 * never called until a tool is.
 */
export async function createOpenApiServer(options: OpenApiServerOptions): Promise<OpenApiServer> {
  const catalog = await OpenApiCatalog.load(options);
  const tools =
    catalog.mode === 'dynamic' ? metaTools(catalog) : catalog.entries.map((e) => operationTool(catalog, e));
  const credentials = [...catalog.schemes.values()].flatMap(schemeVariables);
  const summary: OpenApiSummary = {
    title: catalog.spec.title,
    version: catalog.spec.version,
    mode: catalog.mode,
    served: catalog.entries.length,
    notServed: Object.fromEntries(Object.entries(catalog.excluded).filter(([, n]) => n > 0)),
    credentials,
    warnings: [...nothingServed(catalog), ...catalog.spec.warnings.slice(0, 20)],
    ...(catalog.baseUrl ? { baseUrl: catalog.baseUrl.origin + catalog.baseUrl.pathname } : {}),
    ...(catalog.baseUrlError ? { baseUrlProblem: catalog.baseUrlError } : {}),
  };
  options.onLoaded?.(summary);
  const instructions =
    `${catalog.spec.title}${catalog.spec.version ? ` (${catalog.spec.version})` : ''}: ` +
    (catalog.mode === 'dynamic'
      ? `${catalog.entries.length} operations, found with list_operations, described with ` +
        'describe_operation ' +
        'and called with call_operation.'
      : `${catalog.entries.length} operations as tools.`) +
    (catalog.excluded.write > 0
      ? ' Read-only: write operations are not served.'
      : catalog.excluded.delete > 0
        ? ' DELETE operations are not served.'
        : '') +
    ` Answers past ${Math.round((options.maxResponseBytes ?? 64 * 1024) / 1024)} KiB are cut ` +
    '(the total size is said);' +
    ' API errors come back with their HTTP status.';
  const module = defineServer({
    name: options.name ?? 'openapi',
    version: VERSION,
    title: catalog.spec.title,
    instructions,
    tools,
  });
  return { module, catalog, summary };
}
