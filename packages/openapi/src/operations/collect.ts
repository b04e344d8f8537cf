import { deref } from '../spec/pointer.js';
import type { JsonObject } from '../spec/types.js';
import {
  HTTP_METHODS,
  type Operation,
  type OperationBody,
  type OperationParameter,
  type ParameterLocation,
} from './types.js';

const LOCATIONS = new Set<ParameterLocation>(['path', 'query', 'header', 'cookie']);

/** Every operation of an OpenAPI 3.x document, in the document's order. */
export function collectOperations(document: JsonObject): Operation[] {
  const operations: Operation[] = [];
  const rootSecurity = Array.isArray(document.security) ? (document.security as JsonObject[]) : [];
  for (const [path, rawItem] of Object.entries((document.paths ?? {}) as JsonObject)) {
    const item = deref(document, rawItem);
    if (!item) continue;
    const shared = readParameters(document, item.parameters);
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op || typeof op !== 'object') continue;
      const own = readParameters(document, op.parameters);
      // Operation-level parameters override path-level ones with the same name and location.
      const merged = new Map<string, OperationParameter>();
      for (const p of [...shared, ...own]) merged.set(`${p.in}:${p.name}`, p);
      const { body, unsupported } = readBody(document, op.requestBody);
      const servers = Array.isArray(op.servers) && op.servers.length > 0 ? op.servers : item.servers;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        ...(typeof op.operationId === 'string' && op.operationId ? { operationId: op.operationId } : {}),
        ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
        ...(typeof op.description === 'string' ? { description: op.description } : {}),
        tags: Array.isArray(op.tags)
          ? op.tags.filter((t: unknown): t is string => typeof t === 'string')
          : [],
        deprecated: op.deprecated === true,
        parameters: [...merged.values()],
        ...(body ? { body } : {}),
        unsupportedBodyTypes: unsupported,
        responses: (op.responses ?? {}) as JsonObject,
        security: Array.isArray(op.security) ? op.security : rootSecurity,
        ...(Array.isArray(servers) && servers.length > 0 ? { servers } : {}),
        ...(typeof op['x-mcp-name'] === 'string' ? { mcpName: op['x-mcp-name'] } : {}),
      });
    }
  }
  return operations;
}

function readParameters(document: JsonObject, list: unknown): OperationParameter[] {
  if (!Array.isArray(list)) return [];
  const out: OperationParameter[] = [];
  for (const raw of list) {
    const p = deref(document, raw);
    if (!p || typeof p.name !== 'string' || !LOCATIONS.has(p.in)) continue;
    const location = p.in as ParameterLocation;
    const style =
      typeof p.style === 'string'
        ? p.style
        : location === 'query' || location === 'cookie'
          ? 'form'
          : 'simple';
    let schema: unknown = p.schema ?? {};
    let contentType: string | undefined;
    if (p.schema === undefined && p.content && typeof p.content === 'object') {
      const [type, media] = Object.entries(p.content as JsonObject)[0] ?? [];
      if (type) {
        contentType = type;
        schema = (media as JsonObject)?.schema ?? {};
      }
    }
    out.push({
      name: p.name,
      in: location,
      required: location === 'path' ? true : p.required === true,
      deprecated: p.deprecated === true,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      schema,
      style,
      explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
      allowReserved: p.allowReserved === true,
      ...(contentType ? { contentType } : {}),
    });
  }
  return out;
}

/** The body media types this server can send, best first. */
const BODY_PREFERENCE: ((type: string) => boolean)[] = [
  (t) => t === 'application/json',
  (t) => /^application\/[^;]*\+json$/.test(t) || t === 'text/json' || t === '*/*' || t === 'application/*',
  (t) => t === 'application/x-www-form-urlencoded',
  (t) => t === 'multipart/form-data',
  (t) => t.startsWith('text/'),
  (t) => t === 'application/octet-stream',
];

function readBody(document: JsonObject, raw: unknown): { body?: OperationBody; unsupported: string[] } {
  const body = deref(document, raw);
  if (!body?.content || typeof body.content !== 'object') return { unsupported: [] };
  const types = Object.keys(body.content as JsonObject);
  for (const accept of BODY_PREFERENCE) {
    const chosen = types.find((t) => accept(t.toLowerCase().split(';')[0]!.trim()));
    if (chosen === undefined) continue;
    const media = (body.content as JsonObject)[chosen] as JsonObject | undefined;
    const base = chosen.toLowerCase().split(';')[0]!.trim();
    return {
      body: {
        required: body.required === true,
        contentType: base === '*/*' || base === 'application/*' ? 'application/json' : base,
        schema: media?.schema ?? {},
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
        ...(media?.encoding && typeof media.encoding === 'object'
          ? { encoding: media.encoding as Record<string, JsonObject> }
          : {}),
      },
      unsupported: [],
    };
  }
  return { unsupported: types };
}
