#!/usr/bin/env node
/**
 * Generates test/contract/github-slim.json: GitHub's official OpenAPI description (from
 * `@octokit/openapi`, fetched with `npm pack` into a temporary folder; it is 385 MB unpacked, so it
 * is not a dependency) cut down to the operations this server calls, with only the components they
 * reach. Two rewrites make it usable by a JSON Schema validator:
 * - OAS 3.0 `nullable: true` without `type` becomes `anyOf: [<node>, {type: 'null'}]` (a validator
 *   that does not know `nullable` would otherwise skip or reject those nodes), and with `type` the
 *   type becomes `[type, 'null']` (plus `null` in an `enum`);
 * - `x-webhooks`/`webhooks`, examples and descriptions are dropped (size; they are not contract).
 *
 * Usage: node scripts/slim-spec.mjs [--from <api.github.com.json>]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_PACKAGE = '@octokit/openapi';
const SOURCE_VERSION = '23.0.2';
const SOURCE_FILE = 'generated/api.github.com.json';

/** Every operation the server calls, plus the few that the recorded-fixture checks replay. */
export const OPERATIONS = [
  ['get', '/user'],
  ['get', '/search/repositories'],
  ['get', '/search/code'],
  ['get', '/search/issues'],
  ['get', '/search/users'],
  ['get', '/repos/{owner}/{repo}'],
  ['get', '/repos/{owner}/{repo}/contents/{path}'],
  ['put', '/repos/{owner}/{repo}/contents/{path}'],
  ['get', '/repos/{owner}/{repo}/git/trees/{tree_sha}'],
  ['post', '/repos/{owner}/{repo}/git/refs'],
  ['get', '/repos/{owner}/{repo}/branches'],
  ['get', '/repos/{owner}/{repo}/branches/{branch}'],
  ['get', '/repos/{owner}/{repo}/commits'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/status'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/check-runs'],
  ['get', '/repos/{owner}/{repo}/collaborators/{username}/permission'],
  ['get', '/repos/{owner}/{repo}/issues'],
  ['post', '/repos/{owner}/{repo}/issues'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['patch', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['get', '/repos/{owner}/{repo}/pulls'],
  ['post', '/repos/{owner}/{repo}/pulls'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['patch', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['put', '/repos/{owner}/{repo}/pulls/{pull_number}/merge'],
  ['get', '/rate_limit'],
  // Only for the checks against @octokit/fixtures' recorded responses (the `errors` scenario).
  ['post', '/repos/{owner}/{repo}/labels'],
];

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '..', 'test', 'contract', 'github-slim.json');

function loadSource(from) {
  if (from) return JSON.parse(readFileSync(from, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'gh-openapi-'));
  try {
    const spec = `${SOURCE_PACKAGE}@${SOURCE_VERSION}`;
    const tgz = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['-xzf', join(dir, tgz.split('\n').pop()), '-C', dir, `package/${SOURCE_FILE}`]);
    return JSON.parse(readFileSync(join(dir, 'package', SOURCE_FILE), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Collects every `#/components/<kind>/<name>` reachable from `root`, transitively. */
function reachable(spec, root) {
  const seen = new Set();
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) {
          if (seen.has(value)) continue;
          seen.add(value);
          const [, , kind, name] = value.split('/');
          const target = spec.components?.[kind]?.[name];
          if (!target) throw new Error(`dangling ${value}`);
          stack.push(target);
        } else {
          stack.push(value);
        }
      }
    }
  }
  return seen;
}

/** Drops examples (media-type `examples`/`example`) and prose `description` strings. */
function stripProse(node, inMediaType = false) {
  if (Array.isArray(node)) return node.map((n) => stripProse(n));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' && typeof value === 'string') continue;
    if (inMediaType && (key === 'examples' || key === 'example')) continue;
    if (key === 'x-github') continue;
    if (key === 'content' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([mt, m]) => [mt, stripProse(m, true)]));
    } else {
      out[key] = stripProse(value);
    }
  }
  return out;
}

/** Rewrites OAS 3.0 `nullable` into JSON Schema (see the header). Returns the count rewritten. */
function rewriteNullable(node, counts) {
  if (Array.isArray(node)) return node.map((n) => rewriteNullable(n, counts));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewriteNullable(value, counts);
  if (typeof out.nullable !== 'boolean') return out;
  const { nullable, ...rest } = out;
  if (!nullable) return rest;
  if (typeof rest.type === 'string') {
    counts.typed++;
    rest.type = [rest.type, 'null'];
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) rest.enum = [...rest.enum, null];
    return rest;
  }
  counts.untyped++;
  return { anyOf: [rest, { type: 'null' }] };
}

function slim(spec) {
  const paths = {};
  for (const [method, path] of OPERATIONS) {
    const item = spec.paths[path];
    const op = item?.[method];
    if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the source spec`);
    paths[path] ??= item.parameters ? { parameters: item.parameters } : {};
    paths[path][method] = op;
  }
  const refs = reachable(spec, paths);
  const components = {};
  for (const ref of [...refs].sort()) {
    const [, , kind, name] = ref.split('/');
    if (kind === 'examples') continue;
    components[kind] ??= {};
    components[kind][name] = spec.components[kind][name];
  }
  const counts = { typed: 0, untyped: 0 };
  const body = rewriteNullable(stripProse({ paths, components }), counts);
  return {
    openapi: spec.openapi,
    info: {
      title: spec.info.title,
      version: spec.info.version,
      'x-slim': {
        source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}`,
        file: SOURCE_FILE,
        generator: 'packages/github/scripts/slim-spec.mjs',
        operations: OPERATIONS.length,
        components: Object.values(components).reduce((n, kind) => n + Object.keys(kind).length, 0),
        nullableRewritten: counts,
      },
    },
    servers: spec.servers,
    paths: body.paths,
    components: body.components,
  };
}

const fromIndex = process.argv.indexOf('--from');
const source = loadSource(fromIndex > 0 ? process.argv[fromIndex + 1] : undefined);
const out = slim(source);
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
const meta = out.info['x-slim'];
console.log(
  `wrote ${OUT.slice(OUT.indexOf('test/'))}: ${meta.operations} operations, ${meta.components} components, ` +
    `nullable rewritten ${meta.nullableRewritten.untyped} untyped + ${meta.nullableRewritten.typed} typed`,
);
