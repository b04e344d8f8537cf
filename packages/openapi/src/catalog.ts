import { annotations } from '@mcpkit/core';
import type { ValidateFunction } from 'ajv';
import { Authenticator, type Env } from './auth/credentials.js';
import { type AuthScheme, describeNeed, readSchemes } from './auth/schemes.js';
import { type BaseUrlOptions, resolveBaseUrl, serverUrl } from './http/base-url.js';
import { execute, type HttpOptions } from './http/execute.js';
import { errorResult, type ToolResult } from './http/result.js';
import { collectOperations } from './operations/collect.js';
import type { HttpMethod, Operation } from './operations/types.js';
import { buildOperationInput, credentialKey, type OperationInput } from './schema/arguments.js';
import { SchemaConverter } from './schema/convert.js';
import { describeErrors, SchemaValidator } from './schema/validator.js';
import { type Exclusion, makeSelector, type SelectionOptions } from './select/filter.js';
import { assignNames } from './select/names.js';
import { type LoadSpecOptions, loadSpec } from './spec/load.js';
import { deref } from './spec/pointer.js';
import type { JsonObject, LoadedSpec } from './spec/types.js';

export interface OpenApiOptions extends SelectionOptions, LoadSpecOptions, BaseUrlOptions, HttpOptions {
  /** A file path, an http(s) URL, or a parsed document. */
  spec: string | JsonObject;
  /** Prefix of the credential variables: `<PREFIX>_<SCHEME>_TOKEN` and so on. Default `OPENAPI`. */
  envPrefix?: string;
  /** Where credentials are read. Default process.env. */
  env?: Env;
  /** More selected operations than this are served in dynamic mode. Default 40. */
  maxTools?: number;
  /** `auto` (default) picks by maxTools; `static` one tool per operation; `dynamic` three meta-tools. */
  mode?: 'auto' | 'static' | 'dynamic';
  /** The API's name in messages. Default: the spec's title. */
  service?: string;
}

export interface ToolAnnotations {
  title?: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** One served operation. */
export interface OperationEntry {
  name: string;
  op: Operation;
  annotations: ToolAnnotations;
}

export const DEFAULT_MAX_TOOLS = 40;
const MAX_VALIDATORS = 256;
/** Input schemas kept built in dynamic mode (GitHub's run from 1 to 90 KB each). */
const MAX_INPUTS = 512;
const DESCRIPTION_MAX = 1000;

/**
 * Annotations from the method: GET and HEAD read-only, PUT and DELETE idempotent, DELETE destructive,
 * all open-world (the API is someone else's). Core's presets where they say exactly this.
 */
export function annotationsFor(op: Operation): ToolAnnotations {
  const method: HttpMethod = op.method;
  const base =
    method === 'get' || method === 'head'
      ? annotations.readOnlyOpen
      : method === 'delete'
        ? annotations.update(true) // destructive and idempotent
        : method === 'put'
          ? { ...annotations.write(true), idempotentHint: true }
          : annotations.write(true);
  return {
    ...(op.summary ? { title: op.summary.slice(0, 120) } : {}),
    readOnlyHint: base.readOnlyHint === true,
    destructiveHint: base.destructiveHint === true,
    idempotentHint: base.idempotentHint === true,
    openWorldHint: true,
  };
}

/** The tool description: summary, description, then method and path (cut to stay small). */
export function describeOperation(op: Operation, max = DESCRIPTION_MAX): string {
  const parts: string[] = [];
  if (op.summary?.trim()) parts.push(op.summary.trim());
  if (op.description?.trim() && op.description.trim() !== op.summary?.trim())
    parts.push(op.description.trim());
  let text = parts.join('\n\n');
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return `${text}${text ? '\n\n' : ''}${op.method.toUpperCase()} ${op.path.split('#')[0]}`;
}

/**
 * A loaded spec and what is served of it: the selected operations with their names, their input
 * schemas (built on first use), credentials, and the call path. Built once per server, shared by every
 * connection.
 */
export class OpenApiCatalog {
  readonly entries: OperationEntry[];
  readonly byName = new Map<string, OperationEntry>();
  readonly excluded: Record<Exclusion, number> = {
    filtered: 0,
    write: 0,
    delete: 0,
    deprecated: 0,
    method: 0,
  };
  readonly mode: 'static' | 'dynamic';
  readonly schemes: Map<string, AuthScheme>;
  readonly baseUrlError?: string;
  readonly baseUrl?: URL;
  private readonly authenticator: Authenticator;
  private readonly credentialParameters = new Set<string>();
  private readonly inputs = new Map<string, OperationInput>();
  private readonly validators = new Map<string, { schema: JsonObject; validate?: ValidateFunction }>();
  private readonly responseCheckers = new Map<string, Map<string, ValidateFunction | undefined>>();
  private readonly validator = new SchemaValidator();
  /** Response checks get an Ajv of their own, replaced whole when their cache is cleared (Ajv keeps all). */
  private responseValidator = new SchemaValidator();

  private constructor(
    readonly spec: LoadedSpec,
    readonly options: OpenApiOptions,
  ) {
    const document = spec.document;
    this.schemes = readSchemes(document, options.envPrefix ?? 'OPENAPI');
    for (const s of this.schemes.values())
      if (s.kind === 'apiKey') this.credentialParameters.add(credentialKey(s.in, s.name));
    this.authenticator = new Authenticator(this.schemes, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    try {
      this.baseUrl = resolveBaseUrl(document, this.urlOptions());
    } catch (error) {
      this.baseUrlError = (error as Error).message;
    }

    const all = collectOperations(document);
    const names = assignNames(all);
    const select = makeSelector(options);
    this.entries = [];
    for (const op of all) {
      const name = names.get(op)!;
      const why = select(op, name);
      if (why) {
        this.excluded[why]++;
        continue;
      }
      const entry = { name, op, annotations: annotationsFor(op) };
      this.entries.push(entry);
      this.byName.set(name, entry);
    }
    const max = options.maxTools ?? DEFAULT_MAX_TOOLS;
    this.mode =
      options.mode === 'static' || options.mode === 'dynamic'
        ? options.mode
        : this.entries.length > max
          ? 'dynamic'
          : 'static';
  }

  /** Server URL options, with the spec's own URL for relative `servers` entries. */
  private urlOptions(): BaseUrlOptions {
    return {
      ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}),
      ...(this.options.serverVariables ? { serverVariables: this.options.serverVariables } : {}),
      ...(this.spec.sourceUrl ? { sourceUrl: this.spec.sourceUrl } : {}),
    };
  }

  static async load(options: OpenApiOptions): Promise<OpenApiCatalog> {
    const spec = await loadSpec(options.spec, options);
    return new OpenApiCatalog(spec, options);
  }

  static fromLoaded(spec: LoadedSpec, options: OpenApiOptions): OpenApiCatalog {
    return new OpenApiCatalog(spec, options);
  }

  /** An operation by tool name, operationId or `METHOD /path`. */
  find(id: string): OperationEntry | undefined {
    const direct = this.byName.get(id);
    if (direct) return direct;
    const key = id.trim().replace(/\s+/, ' ');
    return this.entries.find(
      (e) => e.op.operationId === id || e.op.key === key || e.op.key.toUpperCase() === key.toUpperCase(),
    );
  }

  /** The operation's input schema and bindings, built on first use. */
  input(entry: OperationEntry): OperationInput {
    let input = this.inputs.get(entry.name);
    if (!input) {
      input = buildOperationInput(this.spec.document, entry.op, {
        credentialParameters: this.credentialParameters,
        ...(this.options.includeDeprecated ? { includeDeprecated: true } : {}),
      });
      // Static tools hold theirs for the server's life; in dynamic mode the oldest built go first.
      if (this.mode === 'dynamic' && this.inputs.size >= MAX_INPUTS) {
        const [oldest] = this.inputs.keys();
        this.inputs.delete(oldest!);
      }
      this.inputs.set(entry.name, input);
    }
    return input;
  }

  /** The input schema rebuilt with shorter descriptions (describe_operation's smaller variants). */
  compactInput(entry: OperationEntry, descriptionMax: number): OperationInput {
    return buildOperationInput(this.spec.document, entry.op, {
      credentialParameters: this.credentialParameters,
      descriptionMax,
      ...(this.options.includeDeprecated ? { includeDeprecated: true } : {}),
    });
  }

  /** What a call of this operation needs from the environment, or [] when nothing. */
  authNeeds(entry: OperationEntry): string[] {
    return entry.op.security.map((alternative) => {
      const names = Object.keys(alternative ?? {});
      if (names.length === 0) return 'none (anonymous access allowed)';
      return names
        .map((n) => {
          const s = this.schemes.get(n);
          return s ? describeNeed(s) : `scheme ${n}`;
        })
        .join(' plus ');
    });
  }

  /** Problems with the arguments, as lines a model can act on; [] when they are valid. */
  checkArguments(entry: OperationEntry, args: unknown): string[] {
    if (args === undefined || args === null) args = {};
    if (typeof args !== 'object' || Array.isArray(args)) return ['arguments must be an object'];
    let compiled = this.validators.get(entry.name);
    if (!compiled) {
      const input = this.input(entry);
      const validate = this.validator.compile(input.schema, input.formats);
      if (this.validators.size >= MAX_VALIDATORS) {
        const [oldest, old] = this.validators.entries().next().value!;
        this.validator.forget(old.schema);
        this.validators.delete(oldest);
      }
      compiled = { schema: input.schema, ...(validate ? { validate } : {}) };
      this.validators.set(entry.name, compiled);
    }
    const validate = compiled.validate;
    if (!validate || validate(args)) return [];
    return describeErrors(validate.errors);
  }

  private responseChecker(entry: OperationEntry): (status: number, value: unknown) => boolean {
    return (status, value) => {
      let perStatus = this.responseCheckers.get(entry.name);
      if (!perStatus) {
        perStatus = new Map();
        if (this.responseCheckers.size >= MAX_VALIDATORS) {
          this.responseCheckers.clear();
          this.responseValidator = new SchemaValidator();
        }
        this.responseCheckers.set(entry.name, perStatus);
      }
      const key = String(status);
      if (!perStatus.has(key)) perStatus.set(key, this.compileResponse(entry.op, status));
      const check = perStatus.get(key);
      return check ? check(value) === true : false;
    };
  }

  private compileResponse(op: Operation, status: number): ValidateFunction | undefined {
    const responses = op.responses;
    const raw =
      responses[String(status)] ??
      responses[`${String(status)[0]}XX`] ??
      responses[`${String(status)[0]}xx`] ??
      responses.default;
    const response = deref(this.spec.document, raw);
    const content = response?.content as JsonObject | undefined;
    if (!content) return undefined;
    const type = Object.keys(content).find((t) => t.toLowerCase().includes('json'));
    const schema = type ? (content[type] as JsonObject)?.schema : undefined;
    if (schema === undefined) return undefined;
    const converter = new SchemaConverter(this.spec.document, {
      direction: 'output',
      descriptionMax: 0,
      titles: false,
    });
    const root = converter.convert(schema) as JsonObject;
    const full = Object.keys(converter.defs).length > 0 ? { ...root, $defs: converter.defs } : root;
    return this.responseValidator.compile(full, converter.formats);
  }

  /** Validate, then send: the whole call path of a tool. */
  async call(entry: OperationEntry, args: unknown, signal?: AbortSignal): Promise<ToolResult> {
    const problems = this.checkArguments(entry, args);
    if (problems.length > 0) {
      return errorResult(
        `Invalid arguments for ${entry.name}; nothing was sent:\n- ${problems.join('\n- ')}`,
      );
    }
    if (!this.baseUrl) return errorResult(`${entry.name} cannot be called: ${this.baseUrlError}`);
    let operationBaseUrl = this.baseUrl;
    if (!this.options.baseUrl && entry.op.servers?.[0]) {
      try {
        operationBaseUrl = serverUrl(entry.op.servers[0], this.urlOptions());
      } catch (error) {
        return errorResult(`${entry.name} cannot be called: ${(error as Error).message}`);
      }
    }
    return execute(entry.op, this.input(entry), (args ?? {}) as Record<string, unknown>, {
      service: this.options.service ?? this.spec.title,
      baseUrl: this.baseUrl,
      operationBaseUrl,
      authenticator: this.authenticator,
      http: this.options,
      ...(signal ? { signal } : {}),
      checkResponse: this.responseChecker(entry),
    });
  }
}
