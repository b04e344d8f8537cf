import type { ServerDeclaration } from '@mcpkit/core';
import { valuedOptionsOf } from './options.js';

interface FieldDef {
  type?: string;
  defaultValue?: unknown;
  innerType?: unknown;
}

/** The default a field declares (`.default(x)`), looking through optional/default wrappers. */
function defaultOf(field: unknown): unknown {
  let node = field as { def?: FieldDef } | undefined;
  for (let depth = 0; node?.def && depth < 8; depth++) {
    if (node.def.type === 'default' || node.def.type === 'prefault') return node.def.defaultValue;
    if (node.def.type !== 'optional' && node.def.type !== 'nullable') return undefined;
    node = node.def.innerType as { def?: FieldDef };
  }
  return undefined;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * `mcpkit serve <server> --help`: the synopsis, the arguments, and every option with its
 * description, its default and the environment variable it is read from, all from the declaration.
 */
export function serverHelp(declaration: ServerDeclaration): string {
  const valued = valuedOptionsOf(declaration.options);
  const envOf = new Map(Object.entries(declaration.env));
  // --allow-writes means nothing on a server whose writes are on by default.
  const shown = Object.entries(declaration.options.shape).filter(
    ([name]) => !(name === 'allowWrites' && declaration.writes === 'on'),
  );
  const rows = shown.map(([name, field]) => {
    const flag = kebab(name);
    const placeholder =
      name === declaration.args?.option && declaration.args.variadic ? '<a,b,...>' : '<value>';
    const left = `--${flag}${valued.has(flag) ? ` ${placeholder}` : ''}`;
    const notes = [];
    const fallback = defaultOf(field);
    if (fallback !== undefined && fallback !== false) notes.push(`default ${JSON.stringify(fallback)}`);
    const variable = envOf.get(name);
    if (variable) notes.push(`env ${variable}`);
    if (declaration.args?.option === name) notes.push(`or the argument ${declaration.args.synopsis}`);
    const description = (field as { description?: string }).description ?? '';
    const text = [description, notes.length ? `(${notes.join(', ')})` : ''].filter(Boolean).join(' ');
    return { left, text };
  });
  const width = Math.min(30, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = rows.map(({ left, text }) =>
    left.length + 2 > width ? `  ${left}\n  ${' '.repeat(width)}${text}` : `  ${left.padEnd(width)}${text}`,
  );
  const synopsis = `mcpkit serve ${declaration.name}${declaration.args ? ` ${declaration.args.synopsis}` : ''} [options]`;
  const writes =
    declaration.writes === 'off'
      ? 'Writing tools are off unless --allow-writes; --read-only wins.'
      : 'Writing tools are on unless --read-only.';
  return [
    `Usage: ${synopsis}`,
    '',
    declaration.description,
    writes,
    '',
    `${declaration.name} options (also "options:" in a config file, in camelCase):`,
    ...lines,
    '',
    'Every serve option applies as well (mcpkit help serve).',
    '',
  ].join('\n');
}
