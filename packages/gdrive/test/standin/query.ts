/**
 * A subset of Drive's search query language (`q`), parsed as Drive does:
 *   term     := 'value' in parents|owners|writers|readers
 *             | field op value
 *   expr     := or of ands of [not] (expr) | term
 * Strings are single-quoted; inside them only \' and \\ are escapes. Anything else is 400 invalid.
 */
import { invalidParam } from './errors.js';

type Token =
  | { kind: 'str'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'op'; value: string }
  | { kind: '('; value: '(' }
  | { kind: ')'; value: ')' };

export type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'in'; value: string; collection: 'parents' | 'owners' | 'writers' | 'readers' }
  | { kind: 'cmp'; field: string; op: string; value: string | boolean };

const bad = () => invalidParam('q');

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, value: c } as Token);
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= q.length) throw bad(); // unterminated
        const d = q[i]!;
        if (d === '\\') {
          const e = q[i + 1];
          if (e !== "'" && e !== '\\') throw bad();
          value += e;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'str', value });
    } else if (/[<>=!]/.test(c)) {
      const two = q.slice(i, i + 2);
      const op = ['<=', '>=', '!='].includes(two) ? two : c;
      if (op === '!') throw bad();
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    } else if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z][A-Za-z0-9_]*/.exec(q.slice(i))!;
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    } else {
      throw bad();
    }
  }
  return tokens;
}

const STRING_FIELDS: Record<string, string[]> = {
  name: ['contains', '=', '!='],
  fullText: ['contains'],
  mimeType: ['contains', '=', '!='],
  modifiedTime: ['<=', '<', '=', '!=', '>', '>='],
  createdTime: ['<=', '<', '=', '!=', '>', '>='],
};
const BOOLEAN_FIELDS = ['trashed', 'starred', 'sharedWithMe'];

export function parseQuery(q: string): { ast: Node; literals: string[] } {
  const tokens = tokenize(q);
  const literals: string[] = [];
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.value.toLowerCase() === w;

  const term = (): Node => {
    const t = tokens[pos++];
    if (!t) throw bad();
    if (t.kind === 'str') {
      literals.push(t.value);
      if (!isWord(tokens[pos++], 'in')) throw bad();
      const coll = tokens[pos++];
      if (coll?.kind !== 'word' || !['parents', 'owners', 'writers', 'readers'].includes(coll.value))
        throw bad();
      return { kind: 'in', value: t.value, collection: coll.value as 'parents' };
    }
    if (t.kind !== 'word') throw bad();
    const field = t.value;
    const opTok = tokens[pos++];
    const op = opTok?.kind === 'op' ? opTok.value : isWord(opTok, 'contains') ? 'contains' : undefined;
    const valueTok = tokens[pos++];
    if (!op || !valueTok) throw bad();
    if (BOOLEAN_FIELDS.includes(field)) {
      if (op !== '=' && op !== '!=') throw bad();
      if (valueTok.kind !== 'word' || !['true', 'false'].includes(valueTok.value)) throw bad();
      return { kind: 'cmp', field, op, value: valueTok.value === 'true' };
    }
    const ops = STRING_FIELDS[field];
    if (!ops?.includes(op) || valueTok.kind !== 'str') throw bad();
    literals.push(valueTok.value);
    if (field.endsWith('Time') && Number.isNaN(Date.parse(valueTok.value))) throw bad();
    return { kind: 'cmp', field, op, value: valueTok.value };
  };

  const unary = (): Node => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    if (peek()?.kind === '(') {
      pos++;
      const inner = or();
      if (tokens[pos++]?.kind !== ')') throw bad();
      return inner;
    }
    return term();
  };
  const and = (): Node => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (tokens.length === 0) throw bad();
  const ast = or();
  if (pos !== tokens.length) throw bad();
  return { ast, literals };
}

/** What a query can see of a file. */
export interface Queryable {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  starred: boolean;
  modifiedTime: string;
  createdTime: string;
  owners: string[];
  writers: string[];
  readers: string[];
  sharedWithMe: boolean;
  fullText: () => string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function evaluate(node: Node, f: Queryable, resolveId: (id: string) => string): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, f, resolveId) && evaluate(node.right, f, resolveId);
    case 'or':
      return evaluate(node.left, f, resolveId) || evaluate(node.right, f, resolveId);
    case 'not':
      return !evaluate(node.operand, f, resolveId);
    case 'in':
      if (node.collection === 'parents') return f.parents.includes(resolveId(node.value));
      if (node.collection === 'readers')
        return [...f.readers, ...f.writers, ...f.owners].includes(node.value.toLowerCase());
      if (node.collection === 'writers')
        return [...f.writers, ...f.owners].includes(node.value.toLowerCase());
      return f.owners.includes(node.value.toLowerCase());
    case 'cmp':
      return compare(node, f);
  }
}

function compare(node: { field: string; op: string; value: string | boolean }, f: Queryable): boolean {
  const { field, op, value } = node;
  if (typeof value === 'boolean') {
    const actual = f[field as 'trashed' | 'starred' | 'sharedWithMe'];
    return op === '=' ? actual === value : actual !== value;
  }
  // As Drive documents: fullText matches whole tokens (a phrase of them), name matches at the
  // start of a token ('Hello' finds HelloWorld, 'World' does not).
  if (field === 'fullText')
    return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escapeRegExp(value)}(?:$|[^\\p{L}\\p{N}])`, 'iu').test(
      f.fullText(),
    );
  if (field === 'name' && op === 'contains')
    return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escapeRegExp(value)}`, 'iu').test(f.name);
  if (field.endsWith('Time')) {
    const a = Date.parse(f[field as 'modifiedTime']);
    const b = Date.parse(value);
    return op === '<'
      ? a < b
      : op === '<='
        ? a <= b
        : op === '>'
          ? a > b
          : op === '>='
            ? a >= b
            : op === '='
              ? a === b
              : a !== b;
  }
  const actual = f[field as 'name' | 'mimeType'];
  if (op === 'contains') return actual.toLowerCase().includes(value.toLowerCase());
  return op === '=' ? actual === value : actual !== value;
}
