import { closest, decodeCursor, encodeCursor, InvalidCursorError, requestKey } from '@mcpkit/core';
import type { OpenApiCatalog, OperationEntry } from '../catalog.js';
import { errorResult, type ToolResult } from '../http/result.js';
import type { JsonObject } from '../spec/types.js';

/** Dynamic mode: three meta-tools instead of one tool per operation, for specs past the tool limit. */

export const LIST_PAGE_SIZE = 50;
/** describe_operation answers stay under this many bytes of JSON. */
export const DESCRIBE_MAX_BYTES = 8 * 1024;

export interface ListArguments {
  query?: string;
  tag?: string;
  cursor?: string;
}

/** The name another meta-tool is served under (a namespace may prefix it): `ctx.servedName`. */
export type ServedName = (tool: string) => string;
const asIs: ServedName = (tool) => tool;

const MAX_TAGS = 40;

/** Tags of the served operations with their counts, most used first (at most 40). */
function tagCounts(catalog: OpenApiCatalog): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of catalog.entries) for (const t of e.op.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return Object.fromEntries(
    [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_TAGS),
  );
}

function unknownOperation(catalog: OpenApiCatalog, id: string, served: ServedName): string {
  const best = closest(
    id.trim().slice(0, 100),
    catalog.entries.map((e) => e.name),
  );
  const guess = best ? ` Did you mean "${best}"?` : '';
  return `No operation "${id.slice(0, 100)}".${guess} Use ${served('list_operations')} to find ids.`;
}

function matches(entry: OperationEntry, words: string[], tag: string | undefined): boolean {
  if (tag && !entry.op.tags.some((t) => t.toLowerCase() === tag)) return false;
  if (words.length === 0) return true;
  const hay = [
    entry.name,
    entry.op.operationId ?? '',
    entry.op.key,
    entry.op.summary ?? '',
    entry.op.tags.join(' '),
  ]
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** One page of the served operations, filtered by words and tag. */
export function listOperations(
  catalog: OpenApiCatalog,
  args: ListArguments,
  served: ServedName = asIs,
): ToolResult {
  const words = (args.query ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
  const tag = args.tag?.trim().toLowerCase() || undefined;
  // The cursor carries the offset and a fingerprint of the query: it resumes only its own listing.
  const request = requestKey('list_operations', words, tag ?? '');
  let offset = 0;
  if (args.cursor) {
    try {
      const state = decodeCursor<{ o: number }>(args.cursor, request);
      if (typeof state.o !== 'number' || state.o < 0) throw new InvalidCursorError();
      offset = state.o;
    } catch (error) {
      if (error instanceof InvalidCursorError) return errorResult(error.message);
      throw error;
    }
  }
  const found = catalog.entries.filter((e) => matches(e, words, tag));
  const page = found.slice(offset, offset + LIST_PAGE_SIZE);
  const next =
    offset + page.length < found.length ? encodeCursor({ o: offset + page.length }, request) : undefined;
  const operations = page.map((e) => ({
    id: e.name,
    method: e.op.method.toUpperCase(),
    path: e.op.path.split('#')[0]!,
    ...(e.op.summary ? { summary: e.op.summary.slice(0, 120) } : {}),
  }));
  const lines = operations.map((o) => `${o.id}  ${o.method} ${o.path}${o.summary ? `  ${o.summary}` : ''}`);
  const plural = found.length === 1 ? '' : 's';
  let head = `${found.length} operation${plural} match; showing ${offset + 1}-${offset + page.length}.`;
  if (found.length === 0) {
    head = 'No operation matches.';
    if (words.length > 0 || tag) head += ' Try fewer or other words, or no tag.';
  }
  // The first unfiltered page also names the tags, so a model can narrow a large API by area.
  const tags = !args.query && !tag && !args.cursor ? tagCounts(catalog) : undefined;
  const tail: string[] = [];
  if (tags && Object.keys(tags).length > 0) {
    tail.push(
      `Tags: ${Object.entries(tags)
        .map(([t, n]) => `${t} (${n})`)
        .join(', ')}.`,
    );
  }
  if (next) tail.push(`More: call ${served('list_operations')} with cursor "${next}".`);
  const { write, delete: deletes } = catalog.excluded;
  if (write > 0) {
    const n = write + deletes;
    tail.push(`${n} write operation${n === 1 ? ' is' : 's are'} not served (read-only).`);
  } else if (deletes > 0) {
    tail.push(`${deletes} DELETE operation${deletes === 1 ? ' is' : 's are'} not served.`);
  }
  tail.push(
    `${served('describe_operation')}(id) gives an operation's arguments; ` +
      `${served('call_operation')}(id, arguments) calls it.`,
  );
  return {
    content: [{ type: 'text', text: [head, ...lines, ...tail].join('\n') }],
    structuredContent: {
      total: found.length,
      operations,
      ...(next ? { nextCursor: next } : {}),
      ...(tags ? { tags } : {}),
    },
  };
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** A schema with each `$defs` entry cut to its type and property names: the shape without the detail. */
function outline(schema: JsonObject): JsonObject {
  const defs = schema.$defs as JsonObject | undefined;
  if (!defs) return schema;
  const short: JsonObject = {};
  for (const [k, v] of Object.entries(defs)) {
    const d = v as JsonObject;
    short[k] = {
      ...(d.type ? { type: d.type } : {}),
      ...(d.properties
        ? { properties: Object.fromEntries(Object.keys(d.properties).map((p) => [p, {}])) }
        : {}),
      ...(d.enum ? { enum: d.enum } : {}),
    };
  }
  return { ...schema, $defs: short };
}

/** An operation's description and input schema, at most 8 KB; detail is dropped step by step to fit. */
export function describeOperationResult(
  catalog: OpenApiCatalog,
  id: string,
  served: ServedName = asIs,
): ToolResult {
  const entry = catalog.find(id);
  if (!entry) return errorResult(unknownOperation(catalog, id, served));
  const { op } = entry;
  const base: JsonObject = {
    id: entry.name,
    method: op.method.toUpperCase(),
    path: op.path.split('#')[0],
    ...(op.summary ? { summary: op.summary.slice(0, 200) } : {}),
    ...(op.operationId && op.operationId !== entry.name ? { operationId: op.operationId } : {}),
    ...(op.tags.length ? { tags: op.tags.slice(0, 5) } : {}),
  };
  const auth = catalog.authNeeds(entry);
  if (auth.length > 0) base.credentials = auth.slice(0, 4);
  const full = catalog.input(entry);
  const variants: (() => JsonObject)[] = [
    () => ({ ...base, description: op.description?.slice(0, 1000), arguments: full.schema }),
    () => ({ ...base, description: op.description?.slice(0, 300), arguments: compact(catalog, entry, 80) }),
    () => ({ ...base, arguments: compact(catalog, entry, 0) }),
    () => ({
      ...base,
      arguments: outline(compact(catalog, entry, 0)),
      note: 'Definitions outlined to fit 8 KB.',
    }),
    () => ({
      ...base,
      arguments: {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries((full.schema.properties ?? {}) as JsonObject).map(([k, v]) => [k, typeOnly(v)]),
        ),
        ...(full.schema.required ? { required: full.schema.required } : {}),
      },
      note: 'Arguments shown by type only to fit 8 KB; the API validates the detail.',
    }),
  ];
  let answer: JsonObject = variants[0]!();
  for (const make of variants) {
    answer = make();
    if (answer.description === undefined) delete answer.description;
    if (bytes(answer) <= DESCRIBE_MAX_BYTES) break;
  }
  if (bytes(answer) > DESCRIBE_MAX_BYTES) {
    answer = {
      ...base,
      argumentNames: Object.keys((full.schema.properties ?? {}) as JsonObject).slice(0, 200),
    };
  }
  return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: answer };
}

function typeOnly(schema: unknown): JsonObject {
  const s = (schema ?? {}) as JsonObject;
  return s.type ? { type: s.type } : s.$ref ? { type: 'object' } : {};
}

function compact(catalog: OpenApiCatalog, entry: OperationEntry, descriptionMax: number): JsonObject {
  return catalog.compactInput(entry, descriptionMax).schema;
}

/** Call an operation by id with its arguments: validated against its full schema first. */
export async function callOperation(
  catalog: OpenApiCatalog,
  id: string,
  args: unknown,
  signal?: AbortSignal,
  served: ServedName = asIs,
): Promise<ToolResult> {
  const entry = catalog.find(id);
  if (!entry) return errorResult(unknownOperation(catalog, id, served));
  return catalog.call(entry, args ?? {}, signal);
}

/** Input schemas of the three meta-tools (JSON Schema 2020-12). */
export const META_TOOL_SCHEMAS = {
  list_operations: {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        maxLength: 200,
        description: 'Words that must all appear in the id, path, summary or tags.',
      },
      tag: { type: 'string', maxLength: 100, description: 'Only operations with this tag.' },
      cursor: { type: 'string', maxLength: 200, description: 'nextCursor of the previous page.' },
    },
    additionalProperties: false,
  },
  describe_operation: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 200, description: 'An id from list_operations.' },
    },
    required: ['id'],
    additionalProperties: false,
  },
  call_operation: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 200, description: 'An id from list_operations.' },
      arguments: { type: 'object', description: 'Arguments as describe_operation gives them.' },
    },
    required: ['id'],
    additionalProperties: false,
  },
} as const;
