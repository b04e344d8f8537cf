import { resolvePointer } from './pointer.js';
import type { JsonObject } from './types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_PROBLEMS = 20;

/**
 * A linear structural check, for specs too large for full schema validation at start-up: the shape the
 * server relies on, every local `$ref` resolving, path parameters declared and required, operationIds
 * unique, security requirements naming defined schemes. Returns the problems found (at most 20).
 */
export function checkStructure(document: JsonObject): string[] {
  const problems: string[] = [];
  const add = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const swagger = typeof document.swagger === 'string';
  if (!document.info || typeof document.info !== 'object') add('the document has no "info" object');
  else if (typeof document.info.title !== 'string' || typeof document.info.version !== 'string') {
    add('"info" needs a "title" and a "version" string');
  }
  if (document.paths !== undefined && (typeof document.paths !== 'object' || Array.isArray(document.paths))) {
    add('"paths" must be an object');
  }

  // Every local $ref resolves: one cheap walk; locations are worked out only when something dangles.
  const dangling = new Set<string>();
  const seen = new Set<object>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (item && typeof item === 'object') stack.push(item);
      continue;
    }
    const ref = (node as JsonObject).$ref;
    if (typeof ref === 'string' && ref.startsWith('#') && resolvePointer(document, ref) === undefined)
      dangling.add(ref);
    for (const key in node) {
      const value = (node as JsonObject)[key];
      if (value && typeof value === 'object') stack.push(value);
    }
  }
  for (const ref of dangling) add(`$ref ${ref} points at nothing${locate(document, ref)}`);

  const schemes = new Set(
    Object.keys((swagger ? document.securityDefinitions : document.components?.securitySchemes) ?? {}),
  );
  const checkSecurity = (security: unknown, where: string) => {
    if (!Array.isArray(security)) return;
    for (const requirement of security) {
      for (const name of Object.keys(requirement ?? {})) {
        if (!schemes.has(name)) add(`${where}: security scheme "${name}" is not defined`);
      }
    }
  };
  checkSecurity(document.security, 'security');

  const ids = new Map<string, string>();
  for (const [path, rawItem] of Object.entries((document.paths ?? {}) as JsonObject)) {
    if (!path.startsWith('/')) add(`path "${path}" must start with "/"`);
    const item = follow(document, rawItem);
    if (!item) continue;
    const templated = [...path.split('#')[0]!.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const shared = params(document, item.parameters);
    for (const method of METHODS) {
      const op = item[method];
      if (!op || typeof op !== 'object') continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.responses || typeof op.responses !== 'object') add(`${where}: "responses" is missing`);
      if (typeof op.operationId === 'string') {
        const other = ids.get(op.operationId);
        if (other) add(`${where}: operationId "${op.operationId}" is also used by ${other}`);
        else ids.set(op.operationId, where);
      }
      checkSecurity(op.security, where);
      const all = new Map<string, JsonObject>();
      for (const p of [...shared, ...params(document, op.parameters)]) all.set(`${p.in}:${p.name}`, p);
      for (const name of templated) {
        const p = all.get(`path:${name}`);
        if (!p) add(`${where}: path parameter "${name}" is not declared`);
        else if (p.required !== true) add(`${where}: path parameter "${name}" must have "required: true"`);
      }
      for (const p of all.values()) {
        if (p.in === 'path' && !templated.includes(p.name))
          add(`${where}: path parameter "${p.name}" is not in the path`);
      }
    }
  }
  return problems;
}

/** Where a reference is used (the first place found), as a JSON pointer. */
function locate(document: JsonObject, ref: string): string {
  const stack: [unknown, string][] = [[document, '#']];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if ((node as JsonObject).$ref === ref) return ` (at ${at})`;
    for (const [key, value] of Object.entries(node)) {
      if (value && typeof value === 'object')
        stack.push([value, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return '';
}

function follow(document: JsonObject, value: unknown): JsonObject | undefined {
  let node = value;
  for (
    let i = 0;
    i < 20 && node && typeof node === 'object' && typeof (node as JsonObject).$ref === 'string';
    i++
  ) {
    node = resolvePointer(document, (node as JsonObject).$ref);
  }
  return node && typeof node === 'object' ? (node as JsonObject) : undefined;
}

function params(document: JsonObject, list: unknown): JsonObject[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((p) => follow(document, p))
    .filter((p): p is JsonObject => Boolean(p && typeof p.name === 'string' && typeof p.in === 'string'));
}
