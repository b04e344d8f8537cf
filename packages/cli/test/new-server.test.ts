import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeclaredServer, ServerCatalog, type ServerDeclaration, silentLogger } from '@mcpkit/core';
import { parseConfig } from '@mcpkit/core/config';
import { connect, resultText } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverListModule, serverPackages } from '../../../scripts/workspaces.mjs';

const repo = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * A server added the new way: a package folder with a declaration, and its folder in the
 * workspace list. Nothing else is edited; the CLI's server list, config validation and option
 * parsing all come from the declaration.
 */
describe('a server package added with nothing but its folder and a workspace entry', () => {
  let tree: string;
  beforeAll(() => {
    tree = mkdtempSync(path.join(tmpdir(), 'mcpkit-new-server-'));
    const pkg = path.join(tree, 'packages/hello');
    mkdirSync(path.join(pkg, 'src'), { recursive: true });
    writeFileSync(
      path.join(tree, 'package.json'),
      JSON.stringify({ private: true, workspaces: ['packages/hello'] }),
    );
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: '@fixture/hello',
        type: 'module',
        exports: {
          './declaration': { '@mcpkit/source': './src/declaration.ts', default: './src/declaration.ts' },
        },
        mcpkit: { declaration: './declaration', servers: ['hello'] },
      }),
    );
    writeFileSync(
      path.join(pkg, 'src/declaration.ts'),
      `import { declareServer, defineServer, defineTool, option, text } from '@mcpkit/core';
import * as z from 'zod';
export const servers = [
  declareServer({
    name: 'hello',
    description: 'Greets',
    options: z.object({ name: z.string().default('world'), shout: option.flag().default(false) }).strict(),
    args: { option: 'name', synopsis: '[name]' },
    writes: 'off',
    async create(options) {
      const greet = defineTool({
        name: 'greet',
        description: 'Says hello',
        input: z.object({}),
        annotations: { readOnlyHint: true },
        handler: () => text(options.shout ? \`HELLO \${options.name.toUpperCase()}\` : \`hello \${options.name}\`),
      });
      return defineServer({ name: 'hello', version: '1.0.0', tools: [greet] });
    },
  }),
];
`,
    );
    // What `npm install` does for a workspace: link it (and what it imports) into node_modules.
    mkdirSync(path.join(tree, 'node_modules/@fixture'), { recursive: true });
    mkdirSync(path.join(tree, 'node_modules/@mcpkit'), { recursive: true });
    symlinkSync(pkg, path.join(tree, 'node_modules/@fixture/hello'), 'dir');
    symlinkSync(path.join(repo, 'packages/core'), path.join(tree, 'node_modules/@mcpkit/core'), 'dir');
    symlinkSync(path.join(repo, 'node_modules/zod'), path.join(tree, 'node_modules/zod'), 'dir');
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('is found, listed, validated in config files and served', async () => {
    expect(serverPackages(tree)).toEqual([
      {
        dir: 'packages/hello',
        name: '@fixture/hello',
        specifier: '@fixture/hello/declaration',
        servers: ['hello'],
      },
    ]);
    // The list the build generates for the CLI, imported and loaded as the CLI does.
    const listFile = path.join(tree, 'servers.generated.ts');
    writeFileSync(listFile, serverListModule(tree));
    const { declarationModules } = (await import(listFile)) as {
      declarationModules: { servers: string[]; load(): Promise<ServerDeclaration[]> }[];
    };
    expect(declarationModules.map((m) => m.servers)).toEqual([['hello']]);
    const catalog = new ServerCatalog((await Promise.all(declarationModules.map((m) => m.load()))).flat());
    expect(catalog.names()).toEqual(['hello']);

    const module = await createDeclaredServer(
      catalog.get('hello'),
      { args: ['mcp'], options: { shout: 'true' } },
      { logger: silentLogger(), cwd: tree, env: {} },
    );
    const client = await connect(module);
    try {
      expect(resultText(await client.callTool({ name: 'greet', arguments: {} }))).toBe('HELLO MCP');
    } finally {
      await client.close();
    }

    expect(
      parseConfig({ servers: { hi: { server: 'hello', options: { shout: true } } } }, { catalog }),
    ).toBeTruthy();
    expect(() =>
      parseConfig({ servers: { hi: { server: 'hello', options: { shoutt: true } } } }, { catalog }),
    ).toThrow(/servers\.hi\.options\.shoutt: unknown option \(did you mean shout\?\)/);
  });

  it('a package that does not list its server names is refused at build time, with what to add', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'mcpkit-new-server-'));
    try {
      mkdirSync(path.join(bare, 'packages/hello'), { recursive: true });
      writeFileSync(
        path.join(bare, 'package.json'),
        JSON.stringify({ private: true, workspaces: ['packages/hello'] }),
      );
      writeFileSync(
        path.join(bare, 'packages/hello/package.json'),
        JSON.stringify({ name: '@fixture/hello', mcpkit: { declaration: './declaration' } }),
      );
      expect(() => serverPackages(bare)).toThrow(
        /packages\/hello\/package\.json: "mcpkit\.servers" must list/,
      );
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
