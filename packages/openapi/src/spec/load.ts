import { readFile, stat } from 'node:fs/promises';
import { basename, resolve as resolvePath } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { checkStructure } from './check.js';
import { type JsonObject, type LoadedSpec, type SourceDialect, SpecError } from './types.js';

export interface LoadSpecOptions {
  /** Largest spec accepted, in bytes (after gunzip). Default 64 MiB. */
  maxBytes?: number;
  /** Time allowed to download a spec from a URL. Default 30 s. */
  timeoutMs?: number;
  /**
   * `full`: the OpenAPI/Swagger schema and its rules (@readme/openapi-parser); `structural`: a linear check
   * of what the server relies on (references resolve, path parameters, operationIds, security names);
   * `auto` (default): full up to 4 MB, structural past it (full validation of GitHub's 13 MB spec takes
   * 2-3 s and ~100 MB more); `off`: none.
   */
  validate?: 'auto' | 'full' | 'structural' | 'off';
}

/** Past this size `auto` validation is structural: start-up stays within seconds for the largest specs. */
export const FULL_VALIDATION_MAX_BYTES = 4 * 1024 * 1024;

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_CHARS = 4000;

/** Load a spec from a file path, an http(s) URL, or an object; JSON or YAML; gzip accepted. */
export async function loadSpec(
  source: string | JsonObject,
  options: LoadSpecOptions = {},
): Promise<LoadedSpec> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string | undefined;
  let label: string;
  let sourceUrl: string | undefined;
  let filePath: string | undefined;
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source)) {
      sourceUrl = source;
      label = source;
      text = await download(source, maxBytes, options.timeoutMs ?? 30_000);
    } else {
      filePath = resolvePath(source);
      label = basename(source);
      text = await readSpecFile(filePath, label, maxBytes);
    }
  } else {
    label = 'spec object';
  }

  const parseOnce = (): JsonObject =>
    text === undefined ? structuredClone(source as JsonObject) : parseText(text, label);
  let document = parseOnce();
  const version = checkShape(document, label);

  if (text !== undefined && hasExternalRef(text)) {
    // Only external references need the bundler; it inlines them as internal `#/...` references.
    try {
      const { bundle } = await import('@readme/openapi-parser');
      document = (await bundle((filePath ?? sourceUrl)!, {
        resolve: { file: Boolean(filePath) },
      })) as JsonObject;
    } catch (error) {
      throw new SpecError(`${label}: a $ref could not be resolved: ${clean(errorMessage(error), filePath)}`);
    }
    text = undefined;
  }

  const warnings: string[] = [];
  const mode = options.validate ?? 'auto';
  const size = text !== undefined ? text.length : 0;
  const full = mode === 'full' || (mode === 'auto' && size <= FULL_VALIDATION_MAX_BYTES);
  if (full) {
    // The validator dereferences what it is given in place: give it its own copy, and let that copy go
    // before the kept one is made (a second parse of the text costs less memory than a clone beside it).
    const forValidation = text === undefined ? structuredClone(document) : document;
    // Loaded on use: the parsers cost 0.2-0.4 s each to import, which a large spec's start-up cannot spare.
    const { compileErrors, validate } = await import('@readme/openapi-parser');
    let result: Awaited<ReturnType<typeof validate>>;
    try {
      result = await validate(forValidation as any);
    } catch (error) {
      throw new SpecError(`${label} is not a valid API description: ${clean(errorMessage(error), filePath)}`);
    }
    if (!result.valid) {
      throw new SpecError(clean(`${label}: ${cut(compileErrors(result), MAX_ERROR_CHARS)}`, filePath));
    }
    for (const warning of result.warnings) warnings.push(clean(warning.message, filePath));
    if (text !== undefined) document = parseOnce();
  } else if (mode !== 'off') {
    const problems = checkStructure(document);
    if (problems.length > 0) {
      throw new SpecError(`${label} is not a valid API description:\n- ${problems.join('\n- ')}`);
    }
  }

  let sourceDialect: SourceDialect;
  if (version.startsWith('2.')) {
    sourceDialect = 'swagger-2.0';
    try {
      const { upgrade } = await import('@scalar/openapi-parser');
      document = upgrade(document as any).specification as JsonObject;
    } catch (error) {
      throw new SpecError(`${label}: could not upgrade Swagger 2.0 to OpenAPI 3.1: ${errorMessage(error)}`);
    }
  } else {
    sourceDialect = version.startsWith('3.0') ? 'openapi-3.0' : 'openapi-3.1';
  }
  if (!document.paths || typeof document.paths !== 'object') document.paths = {};
  const info = (document.info ?? {}) as JsonObject;
  return {
    document,
    sourceDialect,
    title: typeof info.title === 'string' ? info.title : label,
    version: typeof info.version === 'string' ? info.version : '',
    sourceLabel: label,
    ...(sourceUrl ? { sourceUrl } : {}),
    warnings,
  };
}

async function readSpecFile(path: string, label: string, maxBytes: number): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new SpecError(`${label} is not a file`);
    if (info.size > maxBytes) throw new SpecError(`${label} is ${info.size} bytes, over the ${maxBytes} cap`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecError(
      `cannot read spec ${label}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}`,
    );
  }
  return decode(bytes, label, maxBytes);
}

async function download(url: string, maxBytes: number, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json, application/yaml, text/yaml, */*;q=0.5' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new SpecError(`cannot download spec ${url}: ${errorMessage(error)}`);
  }
  if (!response.ok) throw new SpecError(`cannot download spec ${url}: HTTP ${response.status}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as any as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new SpecError(`spec ${url} is over the ${maxBytes}-byte cap`);
    chunks.push(Buffer.from(chunk));
  }
  return decode(Buffer.concat(chunks), url, maxBytes);
}

function decode(bytes: Buffer, label: string, maxBytes: number): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch {
      throw new SpecError(`${label}: gzip data is damaged or over the ${maxBytes}-byte cap`);
    }
  }
  return bytes.toString('utf8');
}

function parseText(text: string, label: string): JsonObject {
  const trimmed = text.trimStart();
  let value: unknown;
  if (trimmed.startsWith('{')) {
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new SpecError(`${label} is not valid JSON: ${errorMessage(error)}`);
    }
  } else {
    try {
      value = parseYaml(text, { maxAliasCount: 1000, prettyErrors: true });
    } catch (error) {
      throw new SpecError(`${label} is not valid YAML: ${cut(errorMessage(error), 600)}`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SpecError(`${label} does not hold an object (an OpenAPI or Swagger document)`);
  }
  return value as JsonObject;
}

function checkShape(document: JsonObject, label: string): string {
  const version = document.openapi ?? document.swagger;
  if (typeof version !== 'string') {
    throw new SpecError(`${label} has neither an "openapi" nor a "swagger" version field`);
  }
  if (!/^(2\.0|3\.0\.\d+|3\.1\.\d+)$/.test(version)) {
    throw new SpecError(
      `${label} declares version ${JSON.stringify(version).slice(0, 40)}; supported: 2.0, 3.0.x, 3.1.x`,
    );
  }
  return version;
}

/** A `$ref` whose value does not start with `#` points into another file or URL. */
function hasExternalRef(text: string): boolean {
  return /["']?\$ref["']?\s*:\s*["']?(?!#)[^\s"']/.test(text);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Messages never carry the machine's absolute path of the spec. */
function clean(message: string, filePath: string | undefined): string {
  if (!filePath) return message;
  return message.split(filePath).join(basename(filePath)).split(resolvePath(filePath, '..')).join('.');
}
