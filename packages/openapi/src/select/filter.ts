import type { HttpMethod, Operation } from '../operations/types.js';

/**
 * Which operations are served.
 *
 * A rule is `tag:<name>`, `path:<glob>`, `method:<verb>`, `id:<operationId or tool name>`, or
 * `<VERB> <glob>` (both must match). Without a prefix, a rule starting with `/` is a path glob, an HTTP
 * verb is a method, anything else matches an operationId, a tool name or a tag. Globs: `*` is any text
 * within one path segment, `**` any text across segments, `?` one character.
 */
export interface SelectionOptions {
  include?: string[];
  exclude?: string[];
  /** Serve POST, PUT and PATCH operations (and DELETE ones named in `allowDelete`). Default false. */
  allowWrites?: boolean;
  /** DELETE operations to serve when writes are allowed, as rules like the above. */
  allowDelete?: string[];
  /** Serve operations the spec marks deprecated. Default false. */
  includeDeprecated?: boolean;
}

export type Exclusion = 'filtered' | 'write' | 'delete' | 'deprecated' | 'method';

const READ_METHODS = new Set<HttpMethod>(['get', 'head']);
const VERBS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

type Matcher = (op: Operation, name: string) => boolean;

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function pathOf(op: Operation): string {
  return op.path.split('#')[0]!;
}

export function compileRule(rule: string): Matcher {
  const text = rule.trim();
  const prefixed = /^(tag|path|method|id):(.*)$/i.exec(text);
  if (prefixed) {
    const kind = prefixed[1]!.toLowerCase();
    const value = prefixed[2]!.trim();
    if (kind === 'tag') return (op) => op.tags.some((t) => t.toLowerCase() === value.toLowerCase());
    if (kind === 'method') return (op) => op.method === value.toLowerCase();
    if (kind === 'id') return (op, name) => op.operationId === value || name === value;
    const re = globToRegExp(value);
    return (op) => re.test(pathOf(op));
  }
  const verbAndPath = /^([A-Za-z]+)\s+(\/.*)$/.exec(text);
  if (verbAndPath && VERBS.has(verbAndPath[1]!.toLowerCase())) {
    const method = verbAndPath[1]!.toLowerCase();
    const re = globToRegExp(verbAndPath[2]!);
    return (op) => op.method === method && re.test(pathOf(op));
  }
  if (text.startsWith('/')) {
    const re = globToRegExp(text);
    return (op) => re.test(pathOf(op));
  }
  if (VERBS.has(text.toLowerCase()) && text === text.toUpperCase()) {
    return (op) => op.method === text.toLowerCase();
  }
  return (op, name) =>
    op.operationId === text || name === text || op.tags.some((t) => t.toLowerCase() === text.toLowerCase());
}

/** Why an operation is not served, or undefined when it is. */
export function makeSelector(
  options: SelectionOptions,
): (op: Operation, name: string) => Exclusion | undefined {
  const include = (options.include ?? []).filter((r) => r.trim()).map(compileRule);
  const exclude = (options.exclude ?? []).filter((r) => r.trim()).map(compileRule);
  const allowDelete = (options.allowDelete ?? []).filter((r) => r.trim()).map(compileRule);
  return (op, name) => {
    if (op.method === 'trace') return 'method';
    if (include.length > 0 && !include.some((m) => m(op, name))) return 'filtered';
    if (exclude.some((m) => m(op, name))) return 'filtered';
    if (op.deprecated && !options.includeDeprecated) return 'deprecated';
    if (!READ_METHODS.has(op.method)) {
      if (!options.allowWrites) return 'write';
      if (op.method === 'delete' && !allowDelete.some((m) => m(op, name))) return 'delete';
    }
    return undefined;
  };
}

export function isReadMethod(method: HttpMethod): boolean {
  return READ_METHODS.has(method);
}
