// The packages as users install them: every published workspace packed (`npm pack`), the tarballs
// installed into an empty folder outside the repository (third-party modules from the registry),
// and the installed `mcpkit` binary serving servers; then a Claude Desktop bundle (MCPB) built from
// that install, checked by the official tooling and run the way a host runs it.
// Needs the build (`npm test` builds first) and the npm registry.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getMcpConfigForManifest, validateManifest } from '@anthropic-ai/mcpb';
import { eraClientOptions } from '@mcpkit/core/client';
import { resultText } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS } from '../../../../distribution/servers.mjs';
import { buildBundles, mcpb, mcpbManifest } from '../../../../scripts/bundle-mcpb.mjs';
import { installTarballs, packPublished, publishedWorkspaces } from '../../../../scripts/pack.mjs';

const run = promisify(execFile);
let work: string;
let prefix: string;
let bin: string;
let tarballs: string[];
let folder: string;

/** Only what a user's shell has: no NODE_PATH, no vitest, nothing pointing into the repository. */
const userEnv = () => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? work,
  TMPDIR: tmpdir(),
  LANG: 'C.UTF-8',
});

async function connectTo(command: string, args: string[], env: Record<string, string> = userEnv()) {
  const client = new Client({ name: 'install-test', version: '1.0.0' }, eraClientOptions('legacy'));
  await client.connect(new StdioClientTransport({ command, args, cwd: prefix, env, stderr: 'pipe' }));
  return client;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'mcpkit-install-'));
  tarballs = packPublished(path.join(work, 'packages'));
  prefix = path.join(work, 'prefix');
  bin = installTarballs(prefix, tarballs);
  folder = path.join(work, 'files');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'notes.txt'), 'installed and serving\n');
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed from the packed tarballs', () => {
  it('packs every published package, and installs them from the tarballs, not the registry', () => {
    expect(tarballs).toHaveLength(publishedWorkspaces().length);
    const lock = JSON.parse(readFileSync(path.join(prefix, 'node_modules', '.package-lock.json'), 'utf8'));
    const ours = Object.entries(lock.packages as Record<string, { resolved?: string }>).filter(
      ([key]) => key === 'node_modules/mcpkit' || key.startsWith('node_modules/@mcpkit/'),
    );
    expect(ours.map(([key]) => key).sort()).toEqual(
      publishedWorkspaces()
        .map(({ pkg }) => `node_modules/${pkg.name}`)
        .sort(),
    );
    for (const [, entry] of ours) expect(entry.resolved).toMatch(/^file:.*\.tgz$/);
    // The examples are private: their demo ships inside the CLI, not as a package.
    expect(lock.packages['node_modules/@mcpkit/examples']).toBeUndefined();
  });

  it('`mcpkit serve catalog` answers tools/list and a call (the demo data ships in the CLI)', async () => {
    const client = await connectTo(bin, ['serve', 'catalog']);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('search_customers');
      const result = await client.callTool({ name: 'search_customers', arguments: { query: '@' } });
      expect(result.isError).toBeFalsy();
      expect(resultText(result)).toMatch(/@/);
    } finally {
      await client.close();
    }
  });

  it('`mcpkit serve filesystem <dir>` answers tools/list and reads a file', async () => {
    const client = await connectTo(bin, ['serve', 'filesystem', folder]);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['read_text_file', 'search_files']));
      const result = await client.callTool({ name: 'read_text_file', arguments: { path: 'notes.txt' } });
      expect(resultText(result)).toContain('installed and serving');
    } finally {
      await client.close();
    }
  });

  it('`mcpkit serve postgres` opens its embedded demo database from the install', async () => {
    const client = await connectTo(bin, ['serve', 'postgres']);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('query');
      // The database worker and the demo rows are files of @mcpkit/postgres, found in node_modules.
      const result = await client.callTool({ name: 'list_tables', arguments: {} });
      expect(result.isError, resultText(result)).toBeFalsy();
      expect(resultText(result)).toMatch(/customers/);
    } finally {
      await client.close();
    }
  });
});

describe('the Claude Desktop entries `mcpkit config claude` prints', () => {
  const REPO_CLI = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
  const entryFor = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [REPO_CLI, 'config', 'claude', ...args], { cwd: work });
    const entries = JSON.parse(`{${stdout}}`) as Record<string, { command: string; args: string[] }>;
    return Object.values(entries)[0]!;
  };

  it('the published form (npx -y mcpkit serve ...) runs the installed package', async () => {
    const entry = await entryFor('filesystem', folder, '--npx');
    expect(entry.command).toBe('npx');
    expect(entry.args).toEqual(['-y', 'mcpkit', 'serve', 'filesystem', folder]);
    // What npx runs once mcpkit is published: the package's bin with the rest of the arguments.
    const client = await connectTo(bin, entry.args.slice(2));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('read_text_file');
    } finally {
      await client.close();
    }
  });

  it('the local-path form runs as written, from any folder, before anything is published', async () => {
    const entry = await entryFor('filesystem', folder);
    expect(entry.command).toBe(process.execPath);
    expect(entry.args.slice(1)).toEqual(['serve', 'filesystem', folder]);
    const client = await connectTo(entry.command, entry.args);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('read_text_file');
    } finally {
      await client.close();
    }
  });
});

describe('Claude Desktop bundles (MCPB)', () => {
  it('every server manifest passes the official validation (`mcpb validate`)', () => {
    const log = console.log;
    console.log = () => {}; // the validator prints a line per manifest
    try {
      for (const name of Object.keys(SERVERS)) {
        const file = path.join(work, `${name}-manifest.json`);
        writeFileSync(file, JSON.stringify(mcpbManifest(name, '0.1.0')));
        expect(validateManifest(file), name).toBe(true);
      }
    } finally {
      console.log = log;
    }
    // The command line too, and it is live: a manifest without its server section is refused.
    const file = path.join(work, 'filesystem-manifest.json');
    expect(mcpb('validate', file)).toMatch(/valid/i);
    const broken = path.join(work, 'broken-manifest.json');
    const { server: _server, ...rest } = mcpbManifest('filesystem', '0.1.0');
    writeFileSync(broken, JSON.stringify(rest));
    expect(() => mcpb('validate', broken)).toThrow(/failed/);
  });

  it('tokens are sensitive fields passed in the environment; folders are user-chosen', () => {
    const github = mcpbManifest('github', '0.1.0');
    expect(github.user_config.github_token).toMatchObject({ type: 'string', sensitive: true });
    expect(github.server.mcp_config.env).toEqual({ GITHUB_TOKEN: '${user_config.github_token}' });
    expect(JSON.stringify(github.server.mcp_config.args)).not.toContain('token');
    const filesystem = mcpbManifest('filesystem', '0.1.0');
    expect(filesystem.user_config.allowed_directories).toMatchObject({ type: 'directory', multiple: true });
  });

  it('the filesystem bundle, packed by mcpb, runs as a host runs it', async () => {
    const [bundle] = buildBundles({
      servers: ['filesystem'],
      out: path.join(work, 'mcpb'),
      installDir: prefix,
    });
    expect(mcpb('info', bundle)).toContain('mcpkit-filesystem');
    const unpacked = path.join(work, 'unpacked');
    mcpb('unpack', bundle, unpacked);
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
    // Only what this server needs: no other server's dependencies.
    const modules = path.join(unpacked, 'server', 'node_modules');
    expect(() => readFileSync(path.join(modules, '@mcpkit', 'filesystem', 'package.json'))).not.toThrow();
    expect(() => readFileSync(path.join(modules, '@octokit', 'rest', 'package.json'))).toThrow();
    const config = await getMcpConfigForManifest({
      manifest,
      extensionPath: unpacked,
      systemDirs: {},
      userConfig: { allowed_directories: [folder], read_only: true },
      pathSeparator: path.sep,
    });
    expect(config).toBeDefined();
    const command = config!.command === 'node' ? process.execPath : config!.command;
    const client = await connectTo(command, config!.args ?? [], { ...userEnv(), ...config!.env });
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toContain('read_text_file');
      expect(names).not.toContain('write_file'); // read_only: true reached the server
      const result = await client.callTool({ name: 'read_text_file', arguments: { path: 'notes.txt' } });
      expect(resultText(result)).toContain('installed and serving');
    } finally {
      await client.close();
    }
  }, 120_000);
});
