import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Checks HTTP exchanges against GitHub's official OpenAPI description (the slim spec that
 * scripts/slim-spec.mjs cuts from @octokit/openapi): the request's method and path exist, its path
 * and query parameters and JSON body match, and the JSON response matches the declared schema for
 * its status. A violation is a sentence; an empty list means the exchange keeps the contract.
 */

export interface Exchange {
  method: string;
  /** The path and query as sent, percent-encoded, without the API prefix (e.g. /api/v3). */
  url: string;
  requestBody?: unknown;
  status: number;
  responseType?: string;
  responseBody?: unknown;
  /** The request's Accept header: a custom media type GitHub declares selects that schema. */
  headers?: Record<string, unknown>;
}

interface Operation {
  template: string;
  method: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  op: any;
  params: any[];
}

type AjvInstance = InstanceType<typeof Ajv>;
const addFormats = addFormatsModule as unknown as (ajv: AjvInstance) => AjvInstance;

const SPEC_ID = 'github-slim';
// Formats GitHub's spec uses that JSON Schema does not define: accepted as any string/number.
const OPAQUE_FORMATS = ['int32', 'int64', 'double', 'repo.nwo', 'binary', 'timestamp', 'uri-template'];

export function loadSlimSpec(): any {
  return JSON.parse(readFileSync(new URL('./github-slim.json', import.meta.url), 'utf8'));
}

export class Contract {
  readonly spec: any;
  private readonly ajv: AjvInstance;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Responses whose media type the spec does not describe (raw file bodies, diffs): counted, not checked. */
  unvalidatedMedia = 0;
  checked = 0;

  constructor(spec: any = loadSlimSpec()) {
    this.spec = spec;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of OPAQUE_FORMATS) this.ajv.addFormat(f, true);
    this.ajv.addSchema(spec, SPEC_ID);
    for (const [template, item] of Object.entries<any>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (method === 'parameters') continue;
        const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => this.deref(p));
        const names: string[] = [];
        const source = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          const multi = params.find((p) => p.in === 'path' && p.name === name)?.['x-multi-segment'];
          return multi ? '(.*)' : '([^/]+)';
        });
        this.operations.push({
          template,
          method: method.toUpperCase(),
          regex: new RegExp(`^${source.replace(/\/\(\.\*\)$/, '(?:/(.*))?')}/?$`),
          names,
          literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
          op,
          params,
        });
      }
    }
    // The most specific template wins (/commits/{ref}/status before /commits/{ref}).
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  /** Follows a local `$ref` (components) once. */
  deref(node: any): any {
    let n = node;
    while (n && typeof n.$ref === 'string') {
      const [, , kind, name] = n.$ref.split('/');
      n = this.spec.components[kind][name];
    }
    return n;
  }

  private validator(key: string, schema: any): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(schema);
      this.compiled.set(key, v);
    }
    return v;
  }

  private schemaRef(pointer: string): any {
    return { $ref: `${SPEC_ID}#${pointer}` };
  }

  /** Finds the operation for a request; `undefined` when the spec has no such path and method. */
  match(
    method: string,
    pathname: string,
  ): { operation: Operation; params: Record<string, string> } | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method.toUpperCase()) continue;
      const m = operation.regex.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      operation.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { operation, params };
    }
    return undefined;
  }

  checkRequest(ex: Pick<Exchange, 'method' | 'url' | 'requestBody'>): string[] {
    const url = new URL(ex.url, 'http://contract.invalid');
    const found = this.match(ex.method, url.pathname);
    const where = `${ex.method} ${url.pathname}`;
    if (!found) return [`${where}: no such operation in GitHub's API description`];
    const { operation, params } = found;
    const out: string[] = [];
    for (const p of operation.params) {
      const raw =
        p.in === 'path' ? params[p.name] : p.in === 'query' ? url.searchParams.get(p.name) : undefined;
      if (p.in !== 'path' && p.in !== 'query') continue;
      if (raw === null || raw === undefined) {
        if (p.required) out.push(`${where}: required ${p.in} parameter "${p.name}" missing`);
        continue;
      }
      if (p.in === 'path' && raw === '' && !p['x-multi-segment']) {
        out.push(`${where}: path parameter "${p.name}" is empty`);
        continue;
      }
      const value = coerce(raw, p.schema);
      const v = this.validator(`param:${operation.method} ${operation.template} ${p.in}.${p.name}`, p.schema);
      if (!v(value)) out.push(`${where}: ${p.in} parameter "${p.name}"=${JSON.stringify(raw)} ${errors(v)}`);
    }
    for (const key of new Set(url.searchParams.keys())) {
      if (!operation.params.some((p) => p.in === 'query' && p.name === key)) {
        out.push(`${where}: query parameter "${key}" is not declared`);
      }
    }
    const body = this.deref(operation.op.requestBody);
    if (body) {
      const schema = body.content?.['application/json']?.schema;
      if (ex.requestBody === undefined) {
        if (body.required) out.push(`${where}: request body required`);
      } else if (schema) {
        const v = this.validator(`body:${operation.method} ${operation.template}`, schema);
        if (!v(ex.requestBody)) out.push(`${where}: request body ${errors(v)}`);
      }
    } else if (ex.requestBody !== undefined && ex.method !== 'GET') {
      out.push(`${where}: the operation takes no request body`);
    }
    return out;
  }

  checkResponse(ex: Exchange): string[] {
    const url = new URL(ex.url, 'http://contract.invalid');
    const found = this.match(ex.method, url.pathname);
    const where = `${ex.method} ${url.pathname} -> ${ex.status}`;
    if (!found) return [`${where}: no such operation`];
    this.checked++;
    const { operation } = found;
    const responses = operation.op.responses;
    const declared = responses[String(ex.status)] ?? responses.default;
    const json = !ex.responseType || /json/i.test(ex.responseType);
    if (!json) {
      this.unvalidatedMedia++;
      return [];
    }
    if (!declared) {
      // GitHub answers any operation with 401/403 (auth, rate limits) and 5xx: the basic error body.
      if (ex.status >= 400) return this.checkBody(where, '/components/schemas/basic-error', ex.responseBody);
      if (ex.status === 304) return [];
      return [`${where}: status ${ex.status} is not declared`];
    }
    const response = this.deref(declared);
    const content = response.content;
    const accept = String(ex.headers?.accept ?? '')
      .split(',')[0]!
      .replace(/;.*$/, '')
      .replace(/\+json$/, '')
      .trim();
    const mediaType = content?.[accept]
      ? accept
      : content?.['application/json']
        ? 'application/json'
        : Object.keys(content ?? {})[0];
    if (!mediaType) return ex.responseBody === undefined ? [] : [`${where}: the response declares no body`];
    const code = responses[String(ex.status)] ? String(ex.status) : 'default';
    const base = declared.$ref
      ? String(declared.$ref).slice(1)
      : `/paths/${escapePointer(operation.template)}/${operation.method.toLowerCase()}/responses/${code}`;
    const pointer = `${base}/content/${escapePointer(mediaType)}/schema`;
    return this.checkBody(where, pointer, ex.responseBody);
  }

  private checkBody(where: string, pointer: string, body: unknown): string[] {
    const v = this.validator(`response:${pointer}`, this.schemaRef(pointer));
    return v(body) ? [] : [`${where}: response body ${errors(v)}`];
  }

  check(ex: Exchange): string[] {
    return [...this.checkRequest(ex), ...this.checkResponse(ex)];
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function coerce(raw: string, schema: any): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'array') return raw.split(',');
  return raw;
}

function errors(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}
