// server.json for the official MCP registry, one per built-in server, from distribution/servers.mjs:
// the `mcpkit` npm package run with `serve <server>`, its arguments and environment variables.
// `node scripts/registry-server-json.mjs` writes distribution/registry/<server>.server.json;
// `--check` fails when a committed file differs from what would be written.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NPM_PACKAGE, REGISTRY_NAMESPACE, SERVERS } from '../distribution/servers.mjs';
import { repoRoot } from './workspaces.mjs';

export const SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const registryDir = path.join(repoRoot, 'distribution', 'registry');

function cliVersion() {
  return JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')).version;
}

/** One server's server.json document. */
export function serverJson(name, version = cliVersion()) {
  const server = SERVERS[name];
  if (!server) throw new Error(`no distribution entry for server "${name}"`);
  const packageArguments = [
    { type: 'positional', value: 'serve', description: 'The mcpkit command that serves a server' },
    { type: 'positional', value: name, description: 'The built-in server to serve' },
  ];
  const environmentVariables = [];
  for (const input of server.inputs) {
    const common = {
      description: input.description,
      isRequired: Boolean(input.required),
      ...(input.sensitive ? { isSecret: true } : {}),
    };
    if (input.kind === 'args') {
      packageArguments.push({
        type: 'positional',
        valueHint: input.id,
        ...common,
        format: input.type === 'directory' || input.format === 'filepath' ? 'filepath' : 'string',
        ...(input.multiple ? { isRepeated: true } : {}),
      });
    } else if (input.kind === 'flag') {
      packageArguments.push({
        type: 'named',
        name: input.flag,
        ...common,
        format: 'boolean',
        default: String(input.default ?? false),
      });
    } else {
      environmentVariables.push({
        name: input.env,
        ...common,
        format: input.type === 'file' ? 'filepath' : 'string',
      });
    }
  }
  return {
    $schema: SCHEMA_URL,
    name: `${REGISTRY_NAMESPACE}/${name}`,
    title: server.title,
    description: server.summary,
    version,
    packages: [
      {
        registryType: 'npm',
        identifier: NPM_PACKAGE,
        version,
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        packageArguments,
        ...(environmentVariables.length ? { environmentVariables } : {}),
      },
    ],
  };
}

export const serverJsonFile = (name) => path.join(registryDir, `${name}.server.json`);
export const serverJsonText = (name) => `${JSON.stringify(serverJson(name), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const name of Object.keys(SERVERS)) {
    const file = serverJsonFile(name);
    const text = serverJsonText(name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {}
      if (current !== text) {
        stale++;
        console.error(
          `${path.relative(repoRoot, file)} is out of date: run node scripts/registry-server-json.mjs`,
        );
      }
    } else {
      writeFileSync(file, text);
      console.log(path.relative(repoRoot, file));
    }
  }
  if (stale) process.exit(1);
}
