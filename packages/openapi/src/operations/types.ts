import type { JsonObject } from '../spec/types.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
export const HTTP_METHODS: readonly HttpMethod[] = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
];

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface OperationParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  deprecated: boolean;
  description?: string;
  /** The parameter's schema as written (may be a `$ref`); `{}` when the spec gives none. */
  schema: unknown;
  style: string;
  explode: boolean;
  allowReserved: boolean;
  /** Set when the parameter is described by `content` instead of `schema`: it is sent serialised as JSON. */
  contentType?: string;
}

export interface OperationBody {
  required: boolean;
  /** The media type this server sends (JSON preferred), and its schema as written. */
  contentType: string;
  schema: unknown;
  description?: string;
  /** Per-property `encoding` of a form or multipart body. */
  encoding?: Record<string, JsonObject>;
}

/** One operation of the spec, its parameters merged from the path item and resolved. */
export interface Operation {
  /** `GET /pets/{id}`: unique in a spec. */
  key: string;
  method: HttpMethod;
  /** The path as the spec's key (may hold a `#fragment` some specs use to tell operations apart). */
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  parameters: OperationParameter[];
  body?: OperationBody;
  /** Media types of the request bodies this server cannot send (reported, not mapped). */
  unsupportedBodyTypes: string[];
  responses: JsonObject;
  /** The operation's security requirement, or the document's when the operation has none. */
  security: JsonObject[];
  /** Operation- or path-level `servers`, when given. */
  servers?: JsonObject[];
  /** `x-mcp-name` override. */
  mcpName?: string;
}
