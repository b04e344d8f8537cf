import fs, { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDeclaredServer, resolveServerOptions, silentLogger } from '@mcpkit/core';
import { eraClientOptions } from '@mcpkit/core/client';
import { checkToolSnapshots, connect, createTestContext, ERAS, resultText } from '@mcpkit/core/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { servers } from '../src/declaration.js';
import { walk } from '../src/fs/walk.js';
import { createFilesystemServer, parseLimits, Sandbox } from '../src/index.js';
import { makeWorld, SECRET, type World, watchCalls, writeTree } from './support/world.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

describe('tool schemas', () => {
  it('every tool matches its __toolsnaps__ snapshot', async () => {
    const world = makeWorld();
    try {
      const client = await connect(await createFilesystemServer({ roots: [world.root] }));
      try {
        const { tools } = await client.listTools();
        expect(tools).toHaveLength(15);
        checkToolSnapshots(tools, fileURLToPath(new URL('./__toolsnaps__', import.meta.url)));
      } finally {
        await client.close();
      }
    } finally {
      world.cleanup();
    }
  });

  it('every reference-server tool is here, with its argument names', async () => {
    const world = makeWorld();
    const client = await connect(await createFilesystemServer({ roots: [world.root] }));
    try {
      const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
      const reference: Record<string, string[]> = {
        read_file: ['path', 'head', 'tail'],
        read_text_file: ['path', 'head', 'tail'],
        read_media_file: ['path'],
        read_multiple_files: ['paths'],
        write_file: ['path', 'content'],
        edit_file: ['path', 'edits', 'dryRun'],
        create_directory: ['path'],
        list_directory: ['path'],
        list_directory_with_sizes: ['path', 'sortBy'],
        directory_tree: ['path', 'excludePatterns'],
        move_file: ['source', 'destination'],
        search_files: ['path', 'pattern', 'excludePatterns'],
        get_file_info: ['path'],
        list_allowed_directories: [],
      };
      for (const [name, args] of Object.entries(reference)) {
        const tool = tools.get(name);
        expect(tool, name).toBeDefined();
        expect(Object.keys(tool!.inputSchema.properties ?? {}), name).toEqual(expect.arrayContaining(args));
      }
    } finally {
      await client.close();
      world.cleanup();
    }
  });
});

describe('options', () => {
  const [declaration] = servers;
  it('parses sizes and counts from strings, and names bad or unknown options', () => {
    expect(
      resolveServerOptions(declaration!, {
        args: ['/srv'],
        options: { maxReadBytes: '64k', maxMediaBytes: '2m', maxEntries: '10', readOnly: 'true' },
      }),
    ).toMatchObject({
      roots: ['/srv'],
      maxReadBytes: 65536,
      maxMediaBytes: 2 * 1024 * 1024,
      maxEntries: 10,
      readOnly: true,
      writes: false,
    });
    expect(() => parseLimits({ maxReadBytes: 'lots' })).toThrow(/--max-read-bytes: expected a positive size/);
    expect(() => parseLimits({ maxReadByte: '1' })).toThrow(/--max-read-byte: unknown option/);
  });

  it('is declared as "filesystem" with path arguments', async () => {
    expect(declaration!.name).toBe('filesystem');
    expect(declaration!.args?.variadic).toBe(true);
    expect(declaration!.paths).toContain(declaration!.args?.option);
    const world = makeWorld();
    const context = { cwd: '/', logger: silentLogger(), env: {} };
    try {
      const module = await createDeclaredServer(
        declaration!,
        { args: [world.root], options: { maxEntries: '5' } },
        context,
      );
      expect(module.name).toBe('filesystem');
      await expect(createDeclaredServer(declaration!, { args: [] }, context)).rejects.toThrow(/at least one/);
    } finally {
      world.cleanup();
    }
  });
});

describe('long searches: progress and cancellation', () => {
  let world: World;
  beforeEach(() => {
    world = makeWorld();
    const files: Record<string, string> = {};
    for (let i = 0; i < 4000; i++) files[`d${i % 40}/f${i}.txt`] = `content ${i}\n`.repeat(20);
    writeTree(world.root, files);
  });
  afterEach(() => world.cleanup());

  it('reports progress when the client sent a token', async () => {
    const client = await connect(await createFilesystemServer({ roots: [world.root] }));
    try {
      const updates: number[] = [];
      const result = await client.callTool(
        { name: 'search_file_contents', arguments: { path: '.', query: 'not present anywhere' } },
        { onprogress: (p) => updates.push(p.progress) },
      );
      expect(resultText(result)).toContain('4000 files searched');
      expect(updates.length).toBeGreaterThan(0);
      expect(updates).toEqual([...updates].sort((a, b) => a - b));
    } finally {
      await client.close();
    }
  });

  it('a walk stops at the next slice once its signal is aborted', async () => {
    const sandbox = await Sandbox.create([world.root], '/');
    const dir = await sandbox.openDir(await sandbox.existing('.'));
    const controller = new AbortController();
    let visited = 0;
    const walking = walk(
      dir,
      () => {
        visited++;
        if (visited === 100) controller.abort(new Error('cancelled'));
        return undefined;
      },
      { signal: controller.signal },
    );
    await expect(walking).rejects.toThrow('cancelled');
    dir.close();
    expect(visited).toBeLessThan(4040);
  });

  it('a cancelled call stops and the server answers the next one', async () => {
    // Seen from inside the server, nearest the handler: how the walk ended, and whether it saw the cancel.
    const { middleware: watch, seen } = watchCalls('search_file_contents');
    const module = await createFilesystemServer({ roots: [world.root] });
    const client = await connect(module, { middleware: [watch] });
    try {
      const controller = new AbortController();
      // Cancel once the server reports it is walking: the walk is under way, not finished.
      const pending = client.callTool(
        { name: 'search_file_contents', arguments: { path: '.', query: 'nothing', regex: true } },
        { signal: controller.signal, onprogress: () => controller.abort(new Error('cancelled by the test')) },
      );
      await expect(pending).rejects.toThrow('cancelled by the test');
      await expect.poll(() => seen.ended, { timeout: 30_000 }).toBeDefined();
      expect(seen.aborted).toBe(true);
      // A walk that ran to the end would have answered "4000 files searched".
      expect(seen.text).toBeUndefined();
      expect(seen.ended).toBe('error');
      const next = await client.callTool({ name: 'list_allowed_directories', arguments: {} });
      expect(resultText(next)).toContain(world.root);
    } finally {
      await client.close();
    }
  });

  it('handlers can be called directly with a test context', async () => {
    const module = await createFilesystemServer({ roots: [world.root] });
    const tool = module.tools.find((t) => t.name === 'search_files')!;
    const result = await tool.handler({ path: 'd1', pattern: 'f1.txt' }, createTestContext());
    expect(resultText(result)).toBe('d1/f1.txt');
  });
});

describe.each(ERAS)('`mcpkit serve filesystem` over stdio (%s era)', (era) => {
  let world: World;
  beforeEach(() => {
    world = makeWorld();
    writeTree(world.root, { 'hello.txt': 'hello from disk\n' });
  });
  afterEach(() => world.cleanup());

  it('serves the roots given on the command line; --read-only hides the writers', async () => {
    if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` first');
    for (const readOnly of [false, true]) {
      const client = new Client({ name: 'fs-cli-test', version: '1.0.0' }, eraClientOptions(era));
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [
          CLI,
          'serve',
          'filesystem',
          world.root,
          '--log-level',
          'warn',
          '--max-entries=50',
          ...(readOnly ? ['--read-only'] : []),
        ],
        stderr: 'pipe',
      });
      await client.connect(transport);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names.includes('write_file')).toBe(!readOnly);
        const read = await client.callTool({ name: 'read_text_file', arguments: { path: 'hello.txt' } });
        expect(resultText(read)).toBe('hello from disk\n');
        const outside = await client.callTool({
          name: 'read_text_file',
          arguments: { path: world.secretFile },
        });
        expect(outside.isError).toBe(true);
        expect(resultText(outside)).not.toContain(SECRET);
      } finally {
        await client.close();
      }
    }
    expect(fs.readdirSync(world.root)).toEqual(['hello.txt']);
  });
});
