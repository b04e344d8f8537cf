/**
 * Drive search queries: user text is escaped into a literal (\\ and \' are Drive's only escapes),
 * and a raw query is checked here first, so a typo comes back as a message that points at it
 * rather than Drive's bare "Invalid Value".
 */

/** `text` as a Drive string literal, quotes included. */
export function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const FIELDS: Record<string, { ops: string[]; value: 'string' | 'boolean' | 'time' }> = {
  name: { ops: ['contains', '=', '!='], value: 'string' },
  fullText: { ops: ['contains'], value: 'string' },
  mimeType: { ops: ['contains', '=', '!='], value: 'string' },
  modifiedTime: { ops: ['<=', '<', '=', '!=', '>', '>='], value: 'time' },
  viewedByMeTime: { ops: ['<=', '<', '=', '!=', '>', '>='], value: 'time' },
  createdTime: { ops: ['<=', '<', '=', '!=', '>', '>='], value: 'time' },
  trashed: { ops: ['=', '!='], value: 'boolean' },
  starred: { ops: ['=', '!='], value: 'boolean' },
  sharedWithMe: { ops: ['=', '!='], value: 'boolean' },
  visibility: { ops: ['=', '!='], value: 'string' },
  'shortcutDetails.targetId': { ops: ['=', '!='], value: 'string' },
};
const COLLECTIONS = ['parents', 'owners', 'writers', 'readers'];

type Tok = { t: 'str' | 'word' | 'op' | '(' | ')'; v: string; at: number };

function tokenize(q: string): Tok[] | string {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') out.push({ t: c, v: c, at: i++ });
    else if (c === "'") {
      const at = i++;
      let v = '';
      for (;;) {
        if (i >= q.length) return `the string starting at character ${at + 1} is not closed with '`;
        const d = q[i]!;
        if (d === '\\') {
          const e = q[i + 1];
          if (e !== "'" && e !== '\\')
            return `at character ${i + 1}: only \\' and \\\\ may follow a backslash inside a string`;
          v += e;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v, at });
    } else if (/[<>=!]/.test(c)) {
      const two = q.slice(i, i + 2);
      const v = ['<=', '>=', '!='].includes(two) ? two : c;
      if (v === '!') return `at character ${i + 1}: '!' must be followed by '='`;
      out.push({ t: 'op', v, at: i });
      i += v.length;
    } else if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z][A-Za-z0-9_.]*/.exec(q.slice(i))!;
      out.push({ t: 'word', v: m[0], at: i });
      i += m[0].length;
    } else return `at character ${i + 1}: unexpected '${c}'`;
  }
  return out;
}

/**
 * Checks a raw Drive query against the grammar and the searchable fields; returns undefined when
 * it is well formed, or a message naming the first problem.
 */
export function checkQuery(q: string): string | undefined {
  const toks = tokenize(q);
  if (typeof toks === 'string') return toks;
  if (toks.length === 0) return 'the query is empty';
  let pos = 0;
  const where = () => (toks[pos] ? `at character ${toks[pos]!.at + 1}` : 'at the end');
  const kw = (w: string) => toks[pos]?.t === 'word' && toks[pos]!.v.toLowerCase() === w;

  const term = (): string | undefined => {
    const t = toks[pos];
    if (!t) return 'the query ends where a condition was expected';
    if (t.t === 'str') {
      pos++;
      if (!kw('in')) return `${where()}: expected 'in' after a string (as in 'ID' in parents)`;
      pos++;
      const c = toks[pos];
      if (c?.t !== 'word' || !COLLECTIONS.includes(c.v))
        return `${where()}: expected one of ${COLLECTIONS.join(', ')} after 'in'`;
      pos++;
      return undefined;
    }
    if (t.t !== 'word') return `${where()}: expected a field name`;
    const spec = FIELDS[t.v];
    if (!spec) return `${where()}: '${t.v}' is not a searchable field (${Object.keys(FIELDS).join(', ')})`;
    pos++;
    const op = toks[pos];
    const opName = op?.t === 'op' ? op.v : kw('contains') ? 'contains' : undefined;
    if (!opName || !spec.ops.includes(opName)) return `${where()}: ${t.v} takes ${spec.ops.join(' ')}`;
    pos++;
    const v = toks[pos];
    if (spec.value === 'boolean') {
      if (v?.t !== 'word' || (v.v !== 'true' && v.v !== 'false'))
        return `${where()}: ${t.v} compares with true or false`;
    } else {
      if (v?.t !== 'str') return `${where()}: ${t.v} compares with a quoted string`;
      if (spec.value === 'time' && Number.isNaN(Date.parse(v.v)))
        return `${where()}: '${v.v}' is not an RFC 3339 time such as '2026-01-31T12:00:00'`;
    }
    pos++;
    return undefined;
  };
  const unary = (): string | undefined => {
    if (kw('not')) {
      pos++;
      return unary();
    }
    if (toks[pos]?.t === '(') {
      pos++;
      const inner = or();
      if (inner) return inner;
      if (toks[pos]?.t !== ')') return `${where()}: expected ')'`;
      pos++;
      return undefined;
    }
    return term();
  };
  const and = (): string | undefined => {
    const first = unary();
    if (first) return first;
    while (kw('and')) {
      pos++;
      const next = unary();
      if (next) return next;
    }
    return undefined;
  };
  const or = (): string | undefined => {
    const first = and();
    if (first) return first;
    while (kw('or')) {
      pos++;
      const next = and();
      if (next) return next;
    }
    return undefined;
  };
  const problem = or();
  if (problem) return problem;
  if (pos < toks.length) return `${where()}: expected 'and', 'or' or the end of the query`;
  return undefined;
}

export interface SearchFilter {
  /** Free text, matched against names and content (escaped here). */
  text?: string;
  /** A raw Drive query (checked by the caller with checkQuery). */
  rawQuery?: string;
  nameContains?: string;
  mimeTypes?: string[];
  folderId?: string;
  includeTrashed?: boolean;
  modifiedAfter?: string;
}

/** One Drive query from the parts, each wrapped so `or` inside one cannot leak into another. */
export function buildQuery(f: SearchFilter): string | undefined {
  const parts: string[] = [];
  if (f.rawQuery) parts.push(`(${f.rawQuery})`);
  if (f.text) parts.push(`fullText contains ${literal(f.text)}`);
  if (f.nameContains) parts.push(`name contains ${literal(f.nameContains)}`);
  if (f.mimeTypes?.length) parts.push(`(${f.mimeTypes.map((m) => `mimeType = ${literal(m)}`).join(' or ')})`);
  if (f.folderId) parts.push(`${literal(f.folderId)} in parents`);
  if (f.modifiedAfter) parts.push(`modifiedTime > ${literal(f.modifiedAfter)}`);
  // Drive lists trashed files unless told not to.
  if (!f.includeTrashed) parts.push('trashed = false');
  return parts.length ? parts.join(' and ') : undefined;
}
