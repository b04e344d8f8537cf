import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientFor, makeWorld, SECRET, type World } from './support/world.js';

/** What the README's sandbox section promises about odd paths and odd files, each shown once. */
describe('sandbox promises from the README', () => {
  let world: World;
  let client: TestClient | undefined;
  beforeEach(() => {
    world = makeWorld();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    world.cleanup();
  });

  it.skipIf(process.platform === 'win32')(
    'a FIFO cannot hang the server: it is refused, and searches pass it',
    async () => {
      // Nothing ever writes to this pipe: a blocking open would wait forever.
      execFileSync('mkfifo', [path.join(world.root, 'pipe')]);
      fs.writeFileSync(path.join(world.root, 'plain.txt'), 'needle\n');
      client = await clientFor(world);
      for (const [tool, args] of [
        ['read_text_file', { path: 'pipe' }],
        ['read_media_file', { path: 'pipe' }],
      ] as const) {
        const outcome = await call(client, tool, args);
        expect(outcome.isError, tool).toBe(true);
        expect(outcome.text, tool).toMatch(/^pipe: .*(not a (regular )?file|regular files)/i);
      }
      const searched = await call(client, 'search_file_contents', { path: 'pipe', query: 'needle' });
      expect(searched.text).toContain('skipped: 1 unreadable');
      const many = await call(client, 'read_multiple_files', { paths: ['pipe', 'plain.txt'] });
      expect(many.text).toContain('needle');
      const search = await call(client, 'search_file_contents', { path: '.', query: 'needle' });
      expect(search.isError).toBe(false);
      expect(search.text).toContain('plain.txt');
      // Still answering afterwards.
      expect((await call(client, 'list_directory', { path: '.' })).text).toContain('pipe');
    },
  );

  it.skipIf(process.platform === 'win32')(
    'control characters other than NUL are refused, even when such a file exists',
    async () => {
      const chars = ['\u0001', '\t', '\n', '\r', '\u001b', '\u001f'];
      for (const c of chars) fs.writeFileSync(path.join(world.root, `a${c}b.txt`), 'present\n');
      client = await clientFor(world);
      for (const c of chars) {
        const name = `a${c}b.txt`;
        const read = await call(client, 'read_text_file', { path: name });
        expect(read.isError, JSON.stringify(c)).toBe(true);
        expect(read.text, JSON.stringify(c)).toContain('control character');
        expect(read.text).not.toContain('present');
        const write = await call(client, 'write_file', { path: `new${c}.txt`, content: 'x' });
        expect(write.isError, JSON.stringify(c)).toBe(true);
        expect(write.text).toContain('control character');
      }
      expect(fs.readdirSync(world.root).filter((n) => n.startsWith('new'))).toEqual([]);
    },
  );

  it('`~name` is an ordinary name inside the root; `~` and `~/` are refused', async () => {
    fs.mkdirSync(path.join(world.root, '~alice'));
    fs.writeFileSync(path.join(world.root, '~alice', 'note.txt'), 'hello alice\n');
    client = await clientFor(world);
    const read = await call(client, 'read_text_file', { path: '~alice/note.txt' });
    expect(read.isError).toBe(false);
    expect(read.text).toBe('hello alice\n');
    const write = await call(client, 'write_file', { path: '~bob.txt', content: 'bob\n' });
    expect(write.isError).toBe(false);
    expect(fs.readFileSync(path.join(world.root, '~bob.txt'), 'utf8')).toBe('bob\n');
    const home = await call(client, 'read_text_file', { path: '~/note.txt' });
    expect(home.isError).toBe(true);
    expect(home.text).toMatch(/not expanded/);
  });

  it('a hard-linked file is listed by name, without its size or time', async () => {
    fs.linkSync(world.secretFile, path.join(world.root, 'twin.txt'));
    fs.writeFileSync(path.join(world.root, 'plain.txt'), 'x'.repeat(1234));
    client = await clientFor(world);
    const listed = await call(client, 'list_directory', { path: '.', sizes: true });
    expect(listed.isError).toBe(false);
    const lines = listed.text.split('\n');
    expect(lines.find((l) => l.includes('plain.txt'))).toMatch(/1\.2 ?K/);
    const twin = lines.find((l) => l.includes('twin.txt'));
    expect(twin).toBeDefined();
    expect(twin!.trim()).toBe('[FILE] twin.txt');
    const entries = (listed.structured?.entries ?? []) as Array<Record<string, unknown>>;
    const twinEntry = entries.find((e) => e.name === 'twin.txt');
    expect(twinEntry).toBeDefined();
    expect(twinEntry).not.toHaveProperty('size');
    expect(twinEntry).not.toHaveProperty('modified');
    expect(entries.find((e) => e.name === 'plain.txt')).toMatchObject({ size: 1234 });
    // Sorting by size cannot reveal it either: the twin counts as no size.
    const bySize = await call(client, 'list_directory_with_sizes', { path: '.', sortBy: 'size' });
    expect(bySize.text).not.toContain(String(SECRET.length + 1));
    const info = await call(client, 'get_file_info', { path: 'twin.txt' });
    expect(info.isError).toBe(true);
    expect(info.text).toContain('hard links');
  });
});
