#!/usr/bin/env node
/**
 * Regenerates the tool tables in the repository's README files from the `__toolsnaps__` snapshots,
 * so a README cannot drift from the schemas a client is actually shown.
 *
 *   node scripts/readme-tools.mjs           rewrite every table that is out of date
 *   node scripts/readme-tools.mjs --check   change nothing; exit 1 naming each out-of-date README
 *   --strict                                also fail when a snapshot folder has no table anywhere
 *   --root <dir>                            work on another tree (the tests use this)
 *
 * A table lives between two markers in any README.md of the tree:
 *
 *   <!-- tools:packages/filesystem/test/__toolsnaps__ -->
 *   (generated; anything here is replaced)
 *   <!-- /tools:packages/filesystem/test/__toolsnaps__ -->
 *
 * The path is the folder holding the `<tool>.json` snapshots, relative to the repository root,
 * with `/` separators. Only that folder's own `*.json` files are read, so a package that keeps one
 * folder per module (examples/src/__toolsnaps__/catalog) puts one marker pair per folder.
 *
 * Rows: read-only tools first, then the others, each group by name. Columns: the name, its effect
 * from the annotations (read-only; writes; destructive, per the MCP defaults when a hint is
 * absent), its inputs (name, type with bounds, required or default, the first sentence of the
 * description) and the first sentence of the tool's description.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FIX = 'node scripts/readme-tools.mjs';
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);
const START = /<!-- tools:([^\s>]+) -->/g;

// ---------------------------------------------------------------------------------------------
// Rendering

/** Collapses whitespace and cuts at the end of the first sentence (not inside `code` or parens). */
export function firstSentence(text) {
  const s = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  let depth = 0;
  let code = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '`') code = !code;
    if (code) continue;
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if ((c === '.' || c === '!' || c === '?') && depth === 0) {
      const rest = s.slice(i + 1);
      if (rest !== '' && !/^ ["'`(A-Z0-9]/.test(rest)) continue;
      // "e.g. P-001", "i.e. X", "etc. And": abbreviations do not end a sentence.
      if (/(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf)$/i.test(s.slice(0, i))) continue;
      return s.slice(0, i + 1);
    }
  }
  return s;
}

const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const num = (n) => (Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n));

/** "1–100", "≥ 1", "≤ 64": the bounds a schema declares, leaving out JavaScript's safe-integer limits. */
function range(min, max, exclusiveMin, exclusiveMax) {
  // Draft 4 wrote exclusiveMinimum/Maximum as booleans qualifying minimum/maximum.
  if (exclusiveMin === true) [min, exclusiveMin] = [undefined, min];
  if (exclusiveMax === true) [max, exclusiveMax] = [undefined, max];
  const lo =
    typeof exclusiveMin === 'number' ? ['>', exclusiveMin] : typeof min === 'number' ? ['≥', min] : null;
  const hi =
    typeof exclusiveMax === 'number' ? ['<', exclusiveMax] : typeof max === 'number' ? ['≤', max] : null;
  const low = lo && Math.abs(lo[1]) < SAFE_MAX ? lo : null;
  const high = hi && Math.abs(hi[1]) < SAFE_MAX ? hi : null;
  if (low && high && low[0] === '≥' && high[0] === '≤') {
    return low[1] === high[1] ? `exactly ${num(low[1])}` : `${num(low[1])}–${num(high[1])}`;
  }
  return [low, high]
    .filter(Boolean)
    .map(([op, n]) => `${op} ${num(n)}`)
    .join(', ');
}

const literal = (v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/**
 * A JSON Schema as a short type: `string ≤ 100 chars`, `integer 1–100`, `array of string`,
 * `{oldText, newText, replaceAll?}`, `csv | table` (enum values in code). $ref is followed within
 * the document; a recursive one is shown by its title.
 */
export function describeType(schema, root = schema, depth = 0, seen = new Set()) {
  if (schema === true || schema === undefined || schema === null) return 'any';
  if (schema === false) return 'never';
  if (typeof schema !== 'object') return 'any';
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    const name = schema.$ref.split('/').pop();
    if (!target) return `${name} (unresolved)`;
    if (seen.has(schema.$ref)) return target.title ? `${target.title} (recursive)` : '(recursive)';
    return describeType(target, root, depth, new Set([...seen, schema.$ref]));
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const parts = [...new Set(union.map((s) => describeType(s, root, depth, seen)))];
    return parts.join(' | ');
  }
  if (Array.isArray(schema.allOf)) {
    return schema.allOf.map((s) => describeType(s, root, depth, seen)).join(' & ');
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) {
    return types.map((t) => describeType({ ...schema, type: t }, root, depth, seen)).join(' | ');
  }
  const type = types[0] ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  const withBounds = (base, bounds, unit) => (bounds ? `${base} ${bounds}${unit}` : base);
  switch (type) {
    case 'string': {
      const base = schema.format ? `string (${schema.format})` : 'string';
      return withBounds(base, range(schema.minLength, schema.maxLength), ' chars');
    }
    case 'integer':
    case 'number':
      return withBounds(
        type,
        range(schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum),
        '',
      );
    case 'boolean':
    case 'null':
      return type;
    case 'array': {
      let item = Array.isArray(schema.prefixItems)
        ? `[${schema.prefixItems.map((s) => describeType(s, root, depth + 1, seen)).join(', ')}]`
        : describeType(schema.items, root, depth + 1, seen);
      if (item.includes(' | ')) item = `(${item})`;
      const base = `array of ${item}`;
      const bounds = range(schema.minItems, schema.maxItems);
      return bounds ? `${base}, ${bounds} items` : base;
    }
    case 'object': {
      const props = Object.keys(schema.properties ?? {});
      if (props.length === 0) {
        const extra = schema.additionalProperties;
        return extra && typeof extra === 'object'
          ? `map of ${describeType(extra, root, depth + 1, seen)}`
          : 'object';
      }
      if (depth >= 2) return 'object';
      const required = new Set(schema.required ?? []);
      return `{${requiredFirst(schema)
        .map((p) => (required.has(p) ? p : `${p}?`))
        .join(', ')}}`;
    }
    default:
      return 'any';
  }
}

/**
 * Property names, required ones first in the order `required` lists them (the order the tool
 * declares them: snapshots sort object keys, not arrays), then the optional ones by name.
 */
function requiredFirst(schema) {
  const props = Object.keys(schema.properties ?? {});
  const required = (schema.required ?? []).filter((p) => props.includes(p));
  return [...new Set(required), ...props.filter((p) => !required.includes(p)).sort()];
}

function resolveRef(root, ref) {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Makes text safe in one table cell: no line breaks, pipes escaped, and outside `code` no HTML,
 * emphasis or math (a description's `*.log`, `src/**` or `$1` is text, not markup).
 */
function cell(text) {
  const plain = (part) =>
    part
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\*/g, '\\*')
      .replace(/\$/g, '\\$') // GitHub reads $…$ as math
      .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'));
  return String(text)
    .replace(/\s+/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : plain(part)))
    .join('')
    .replace(/\|/g, '\\|')
    .trim();
}

/** What the annotations say a tool does, with the MCP defaults for absent hints. */
export function effectOf(annotations = {}) {
  if (annotations.readOnlyHint === true) return 'read-only';
  if (annotations.destructiveHint === false) return 'writes';
  return annotations.destructiveHint === true ? 'destructive' : 'destructive (unannotated)';
}

function inputLines(schema) {
  const props = schema?.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) return '—';
  const required = new Set(schema.required ?? []);
  return requiredFirst(schema)
    .map((name) => {
      const prop = props[name] ?? {};
      const details = [describeType(prop, schema)];
      if (required.has(name)) details.push('required');
      if (prop && typeof prop === 'object' && 'default' in prop)
        details.push(`default ${literal(prop.default)}`);
      const about = prop && typeof prop === 'object' ? firstSentence(prop.description) : '';
      return cell(`\`${name}\` (${details.join(', ')})${about ? `: ${about}` : ''}`);
    })
    .join('<br>');
}

/** Read-only tools first, then the rest, each by name. */
function order(tools) {
  const readOnly = (t) => (t.annotations?.readOnlyHint === true ? 0 : 1);
  return [...tools].sort(
    (a, b) => readOnly(a) - readOnly(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** The Markdown table for a list of tools as `tools/list` lists them (and the snapshots keep them). */
export function renderToolTable(tools) {
  const rows = order(tools).map(
    (t) =>
      `| ${cell(`\`${t.name}\``)} | ${effectOf(t.annotations)} | ${inputLines(t.inputSchema)} | ${cell(firstSentence(t.description))} |`,
  );
  return ['| Tool | Effect | Inputs | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Markers and files

/** The `*.json` snapshots directly in `dir`, parsed; throws a message naming the folder. */
export function loadSnapshots(root, dir) {
  const abs = path.resolve(root, dir);
  const rel = toPosix(path.relative(root, abs));
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${dir}: outside the repository`);
  let files;
  try {
    files = readdirSync(abs).filter((f) => f.endsWith('.json'));
  } catch {
    throw new Error(`${dir}: no such folder`);
  }
  if (files.length === 0) throw new Error(`${dir}: no *.json snapshots in this folder`);
  return files.sort().map((f) => {
    try {
      const tool = JSON.parse(readFileSync(path.join(abs, f), 'utf8'));
      if (!tool || typeof tool.name !== 'string') throw new Error('no "name"');
      return tool;
    } catch (error) {
      throw new Error(`${dir}/${f}: not a tool snapshot (${error.message})`);
    }
  });
}

/** The text between one marker pair: a note, then the table, blank lines around both. */
function block(dir, tools) {
  return [
    '',
    `<!-- generated from ${dir}/*.json by \`${FIX}\`: edit the tools, not this table -->`,
    '',
    renderToolTable(tools),
    '',
    '',
  ].join('\n');
}

/**
 * Replaces every marked region of one README's text. Returns the new text and the problems
 * found (an unclosed marker, a folder without snapshots), each worded for the reader.
 */
export function regenerate(text, root, readmeName = 'README.md') {
  const problems = [];
  let out = '';
  let last = 0;
  const seenDirs = [];
  for (const match of text.matchAll(START)) {
    if (match.index < last) continue; // inside a region already handled
    const dir = match[1];
    const endMarker = `<!-- /tools:${dir} -->`;
    const from = match.index + match[0].length;
    const end = text.indexOf(endMarker, from);
    if (end < 0) {
      problems.push(`${readmeName}: "${match[0]}" has no closing "${endMarker}"`);
      continue;
    }
    seenDirs.push(dir);
    let generated;
    try {
      generated = block(dir, loadSnapshots(root, dir));
    } catch (error) {
      problems.push(`${readmeName}: ${error.message}`);
      generated = text.slice(from, end);
    }
    out += text.slice(last, from) + generated;
    last = end;
  }
  out += text.slice(last);
  return { text: out, problems, dirs: seenDirs };
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/**
 * Every README.md, and every folder at or under a `__toolsnaps__` that holds `*.json`, sorted;
 * dependencies, builds and hidden folders are not ours and are skipped.
 */
function scan(root) {
  const readmes = [];
  const snapshotDirs = [];
  const walk = (dir, inSnapshots) => {
    let holdsJson = false;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
        walk(path.join(dir, entry.name), inSnapshots || entry.name === '__toolsnaps__');
      } else if (entry.name === 'README.md') readmes.push(path.join(dir, entry.name));
      else if (inSnapshots && entry.name.endsWith('.json')) holdsJson = true;
    }
    if (holdsJson) snapshotDirs.push(toPosix(path.relative(root, dir)));
  };
  walk(root, false);
  return { readmes: readmes.sort(), snapshotDirs: snapshotDirs.sort() };
}

/**
 * Checks or rewrites every README under `root`. Returns what it found; changes files only when
 * `check` is false. `unlisted` are snapshot folders no marker names (their tools are in no table).
 */
export function run({ root, check }) {
  const stale = [];
  const updated = [];
  const problems = [];
  const listed = new Set();
  const { readmes, snapshotDirs } = scan(root);
  for (const file of readmes) {
    const name = toPosix(path.relative(root, file));
    const before = readFileSync(file, 'utf8');
    if (!before.includes('<!-- tools:')) continue;
    const { text, problems: found, dirs } = regenerate(before, root, name);
    for (const dir of dirs) listed.add(path.posix.normalize(dir).replace(/\/$/, ''));
    problems.push(...found);
    if (text === before) continue;
    if (check) stale.push(name);
    else {
      writeFileSync(file, text);
      updated.push(name);
    }
  }
  const unlisted = snapshotDirs.filter((dir) => !listed.has(dir));
  return { stale, updated, problems, unlisted };
}

function main(argv) {
  const check = argv.includes('--check');
  const strict = argv.includes('--strict');
  const rootAt = argv.indexOf('--root');
  const root =
    rootAt >= 0
      ? path.resolve(argv[rootAt + 1] ?? '.')
      : path.resolve(fileURLToPath(import.meta.url), '../..');
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`readme-tools: ${argv[rootAt + 1]} is not a folder\n`);
    return 2;
  }
  const { stale, updated, problems, unlisted } = run({ root, check });
  const notes = [];
  for (const dir of unlisted) {
    const about = `no README shows the tools snapshotted in ${dir} (add <!-- tools:${dir} --> and <!-- /tools:${dir} -->)`;
    (strict ? problems : notes).push(about);
  }
  for (const name of updated) process.stdout.write(`readme-tools: updated ${name}\n`);
  if (stale.length) {
    process.stderr.write(
      `readme-tools: tool tables out of date with the __toolsnaps__ snapshots in:\n` +
        stale.map((name) => `  ${name}\n`).join('') +
        `Run \`${FIX}\` to regenerate them, and commit the result.\n`,
    );
  }
  for (const p of problems) process.stderr.write(`readme-tools: ${p}\n`);
  for (const note of notes) process.stderr.write(`readme-tools: note: ${note}\n`);
  return problems.length ? 2 : stale.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
