/**
 * Google's partial-response `fields` parameter: `a,b/c,d(e,f(g))`, `*` for everything. Every
 * name is checked against the response's schema in the discovery document, as Google does.
 */
import { discoverySchema, schemaProperties } from './discovery.js';
import { invalidParam } from './errors.js';

export type Selection = Map<string, Selection | true>;

export function parseFields(fields: string, rootSchema: string): Selection {
  let pos = 0;
  const fail = () => invalidParam('fields', `Invalid field selection ${fields.slice(0, 200)}`);

  const list = (schemaProps: ReturnType<typeof schemaProperties>): Selection => {
    const sel: Selection = new Map();
    for (;;) {
      item(sel, schemaProps);
      if (fields[pos] === ',') {
        pos++;
        continue;
      }
      return sel;
    }
  };

  const name = (): string => {
    const m = /^\s*(\*|[A-Za-z_][A-Za-z0-9_]*)\s*/.exec(fields.slice(pos));
    if (!m) throw fail();
    pos += m[0].length;
    return m[1]!;
  };

  const item = (sel: Selection, props: ReturnType<typeof schemaProperties>): void => {
    const key = name();
    if (key === '*') {
      sel.set('*', true);
      return;
    }
    // Maps (`exportLinks`, `appProperties`) may be selected but not entered.
    if (!props || !(key in props)) throw fail();
    const childProps = schemaProperties(props[key]);
    if (fields[pos] === '/') {
      pos++;
      const sub = sel.get(key);
      const child: Selection = sub instanceof Map ? sub : new Map();
      item(child, childProps);
      if (sub !== true) sel.set(key, child);
    } else if (fields[pos] === '(') {
      pos++;
      if (!childProps) throw fail();
      const inner = list(childProps);
      if (fields[pos] !== ')') throw fail();
      pos++;
      const sub = sel.get(key);
      if (sub instanceof Map) for (const [k, v] of inner) sub.set(k, v);
      else if (sub !== true) sel.set(key, inner);
    } else {
      sel.set(key, true);
    }
  };

  const root = schemaProperties(discoverySchema(rootSchema));
  const sel = list(root);
  if (pos !== fields.length) throw fail();
  return sel;
}

/** The parts of `value` that `sel` selects; arrays are projected element by element. */
export function project(value: unknown, sel: Selection): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, sel));
  if (value === null || typeof value !== 'object') return value;
  if (sel.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of sel) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out[key] = sub === true ? v : project(v, sub);
  }
  return out;
}
