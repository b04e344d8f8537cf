import fs from 'node:fs';
import path from 'node:path';
import type { TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientFor, makeWorld, type World, writeTree } from './support/world.js';

describe('listing and searching', () => {
  let world: World;
  let client: TestClient;

  beforeEach(async () => {
    world = makeWorld();
    writeTree(world.root, {
      'README.md': '# Project\nSee the NEEDLE docs.\n',
      'src/index.ts': 'export const needle = 1;\nexport const other = 2;\n',
      'src/lib/util.ts': 'line one\nline two\nfind the needle here\nline four\nline five\n',
      'src/lib/util.test.ts': 'test("needle")\n',
      'docs/guide.md': 'nothing here\n',
      'build/out.js': 'needle in a build artifact\n',
      'debug.log': 'needle in a log\n',
      '.gitignore': 'build/\n*.log\n',
      'src/.gitignore': 'generated.ts\n!keep.log\n',
      'src/generated.ts': 'needle generated\n',
      'src/keep.log': 'needle kept log\n',
      '.git/HEAD': 'needle in git\n',
      'assets/logo.bin': Buffer.concat([Buffer.from('needle'), Buffer.from([0, 1, 2])]),
      'node_modules/pkg/index.js': 'needle in deps\n',
    });
    client = await clientFor(world, {
      maxEntries: 3,
      maxTreeEntries: 6,
      maxSearchResults: 2,
      maxContentResults: 5,
    });
  });

  afterEach(async () => {
    await client.close();
    world.cleanup();
  });

  describe('list_directory', () => {
    it('pages with a cursor, with text and structured output that agree', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await call(client, 'list_directory', { path: '.', ...(cursor ? { cursor } : {}) });
        const structured = page.structured as {
          entries: { name: string; type: string }[];
          nextCursor?: string;
          total: number;
        };
        expect(structured.total).toBe(9);
        for (const entry of structured.entries) {
          seen.push(entry.name);
          expect(page.text).toContain(`${entry.type === 'directory' ? '[DIR]' : '[FILE]'} ${entry.name}`);
        }
        cursor = structured.nextCursor;
        if (cursor) expect(page.text).toContain(`cursor="${cursor}"`);
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...fs.readdirSync(world.root)].sort());
    });

    it('sizes, sorting, the reference alias, and clear errors', async () => {
      await client.close();
      client = await clientFor(world);
      const sized = await call(client, 'list_directory', { path: 'src/lib', sizes: true });
      const size = fs.statSync(path.join(world.root, 'src/lib/util.ts')).size;
      expect(sized.text).toMatch(new RegExp(`\\[FILE\\] util.ts\\s+${size} B`));
      expect(sized.text).toContain('Total: 2 files, 0 directories');
      const bySize = await call(client, 'list_directory_with_sizes', { path: 'src/lib', sortBy: 'size' });
      expect((bySize.structured as { entries: { name: string }[] }).entries.map((e) => e.name)).toEqual([
        'util.ts',
        'util.test.ts',
      ]);
      expect((await call(client, 'list_directory', { path: 'README.md' })).text).toMatch(/not a directory/);
      const bad = await call(client, 'list_directory', { path: '.', cursor: 'garbage' });
      expect(bad.text).toMatch(/Invalid cursor/);
      const empty = path.join(world.root, 'empty');
      fs.mkdirSync(empty);
      expect((await call(client, 'list_directory', { path: 'empty' })).text).toBe('(empty directory)');
    });
  });

  describe('directory_tree', () => {
    it('fills level by level up to the cap and marks what it cut', async () => {
      const outcome = await call(client, 'directory_tree', { path: '.' });
      const structured = outcome.structured as { entries: number; truncated: boolean };
      expect(structured.entries).toBe(6);
      expect(structured.truncated).toBe(true);
      // The top level (9 entries) does not fit in 6: the first six, each folder marked.
      expect(outcome.text.split('\n').slice(0, 6)).toEqual([
        '.git/ …',
        '.gitignore',
        'README.md',
        'assets/ …',
        'build/ …',
        'debug.log',
      ]);
      expect(outcome.text).toContain('6 entries shown');
    });

    it('respects maxDepth and exclude (and the reference name excludePatterns)', async () => {
      await client.close();
      client = await clientFor(world);
      const outcome = await call(client, 'directory_tree', {
        path: 'src',
        maxDepth: 1,
        exclude: ['*.log'],
        excludePatterns: ['generated.ts'],
      });
      expect(outcome.text).toBe(['.gitignore', 'index.ts', 'lib/ …'].join('\n'));
      const full = await call(client, 'directory_tree', { path: 'src', exclude: ['lib'] });
      expect(full.structured).toMatchObject({
        truncated: false,
        tree: [
          { name: '.gitignore', type: 'file' },
          { name: 'generated.ts', type: 'file' },
          { name: 'index.ts', type: 'file' },
          { name: 'keep.log', type: 'file' },
        ],
      });
    });
  });

  describe('search_files', () => {
    it('matches names at any depth, paths with a slash, and pages with a cursor', async () => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(client, 'search_files', {
          path: '.',
          pattern: '*.ts',
          ...(cursor ? { cursor } : {}),
        });
        const structured = page.structured as { matches: string[]; nextCursor?: string };
        expect(structured.matches.length).toBeLessThanOrEqual(2);
        found.push(...structured.matches);
        cursor = structured.nextCursor;
      } while (cursor);
      expect(found).toEqual(['src/generated.ts', 'src/index.ts', 'src/lib/util.test.ts', 'src/lib/util.ts']);
      await client.close();
      client = await clientFor(world);
      const byPath = await call(client, 'search_files', { path: 'src', pattern: 'lib/*.ts' });
      expect(byPath.text).toBe('src/lib/util.test.ts\nsrc/lib/util.ts');
      const folders = await call(client, 'search_files', {
        path: world.root,
        pattern: 'li*',
        exclude: ['node_modules'],
      });
      expect(folders.text).toBe(path.join(world.root, 'src/lib/'));
      expect((await call(client, 'search_files', { path: '.', pattern: '*.nothing' })).text).toBe(
        'No matches found.',
      );
    });

    it('a cursor belongs to its own query', async () => {
      const page = await call(client, 'search_files', { path: '.', pattern: '*.ts' });
      const cursor = (page.structured as { nextCursor: string }).nextCursor;
      const other = await call(client, 'search_files', { path: '.', pattern: '*.md', cursor });
      expect(other.text).toMatch(/Invalid cursor/);
    });
  });

  it('glob lists are bounded: 100 patterns are accepted, 101 refused with a clear error', async () => {
    const globs = (n: number) => Array.from({ length: n }, (_, i) => `nothing-${i}/**`);
    for (const [name, args] of [
      ['search_files', { path: '.', pattern: '*.md' }],
      ['directory_tree', { path: '.' }],
      ['search_file_contents', { path: '.', query: 'needle' }],
    ] as const) {
      expect((await call(client, name, { ...args, exclude: globs(100) })).isError, name).toBe(false);
      const refused = await call(client, name, { ...args, exclude: globs(101) });
      expect(refused.isError, name).toBe(true);
      expect(refused.text, name).toMatch(/exclude/);
    }
  });

  describe('search_file_contents', () => {
    const grep = (args: Record<string, unknown>) =>
      call(client, 'search_file_contents', { path: '.', ...args });

    it('finds lines, honours .gitignore (nested, negated), skips .git and binary files', async () => {
      await client.close();
      client = await clientFor(world);
      const outcome = await grep({ query: 'needle' });
      const paths = (outcome.structured as { matches: { path: string }[] }).matches.map((m) => m.path);
      expect(paths).toEqual([
        'README.md',
        'node_modules/pkg/index.js',
        'src/index.ts',
        'src/keep.log',
        'src/lib/util.test.ts',
        'src/lib/util.ts',
      ]);
      expect(outcome.text).toContain('src/lib/util.ts:3:find the needle here');
      expect(outcome.structured).toMatchObject({ skipped: { binary: 1 } });
      const all = await grep({ query: 'needle', respectGitignore: false });
      const everywhere = (all.structured as { matches: { path: string }[] }).matches.map((m) => m.path);
      expect(everywhere).toEqual(
        expect.arrayContaining(['build/out.js', 'debug.log', 'src/generated.ts', '.git/HEAD']),
      );
    });

    it('smart case, explicit case, regex (RE2), include and exclude', async () => {
      await client.close();
      client = await clientFor(world);
      const lines = (o: Awaited<ReturnType<typeof grep>>) =>
        (o.structured as { matches: { path: string; line: number }[] }).matches.map(
          (m) => `${m.path}:${m.line}`,
        );
      expect(lines(await grep({ query: 'NEEDLE' }))).toEqual(['README.md:2']);
      expect(lines(await grep({ query: 'NEEDLE', caseSensitive: false, include: ['*.md'] }))).toEqual([
        'README.md:2',
      ]);
      expect(
        lines(
          await grep({ query: 'needle', caseSensitive: true, include: ['src/**'], exclude: ['*.test.ts'] }),
        ),
      ).toEqual(['src/index.ts:1', 'src/keep.log:1', 'src/lib/util.ts:3']);
      expect(lines(await grep({ query: '^export const \\w+ = 2', regex: true }))).toEqual(['src/index.ts:2']);
      const bad = await grep({ query: '(a)\\1', regex: true });
      expect(bad.isError).toBe(true);
      expect(bad.text).toMatch(/RE2 syntax/);
    });

    it('context lines, a single file as the path, and the cap', async () => {
      await client.close();
      client = await clientFor(world);
      const context = await grep({ path: 'src/lib/util.ts', query: 'needle', contextLines: 1 });
      expect(context.text.split('\n').slice(0, 3)).toEqual([
        'src/lib/util.ts-2-line two',
        'src/lib/util.ts:3:find the needle here',
        'src/lib/util.ts-4-line four',
      ]);
      const capped = await grep({ query: 'e', maxResults: 2 });
      expect(capped.structured).toMatchObject({ truncated: true });
      expect((capped.structured as { matches: unknown[] }).matches).toHaveLength(2);
      expect(capped.text).toMatch(/Stopped at the result limit/);
    });

    it('shows a long line around the match, not whole', async () => {
      fs.writeFileSync(path.join(world.root, 'min.js'), `${'a'.repeat(5000)}needle${'b'.repeat(5000)}\n`);
      const outcome = await grep({ query: 'needle', include: ['min.js'] });
      const text = (outcome.structured as { matches: { text: string }[] }).matches[0]!.text;
      expect(text.length).toBeLessThan(310);
      expect(text).toContain('needle');
    });

    it('a page never outgrows the output limit, whatever the names or lines', async () => {
      await client.close();
      client = await clientFor(world);
      const long = 'n'.repeat(240);
      const files: Record<string, string> = {};
      for (let i = 0; i < 600; i++)
        files[`many/${long}${String(i).padStart(3, '0')}.txt`] = `${'x'.repeat(280)} needle\n`.repeat(3);
      writeTree(world.root, files);
      for (const [tool, args] of [
        ['list_directory', { path: 'many' }],
        ['search_files', { path: 'many', pattern: '*.txt' }],
        ['directory_tree', { path: 'many' }],
        ['search_file_contents', { path: 'many', query: 'needle', contextLines: 10 }],
      ] as const) {
        const outcome = await call(client, tool, args);
        expect(outcome.isError, tool).toBe(false);
        const size = Buffer.byteLength(outcome.text) + Buffer.byteLength(JSON.stringify(outcome.structured));
        expect(size, tool).toBeLessThan(256 * 1024);
        expect(outcome.text, tool).not.toContain('[Output truncated');
        expect(outcome.text, tool).toMatch(/cursor=|entries shown|Stopped at the result limit/);
      }
    });

    it('finds matches past the first window of a large file, with the right line numbers', async () => {
      // Over 8 MiB: searched window by window (the 12th byte million onwards is a later window).
      const lines = Array.from({ length: 1_000_000 }, (_, i) => `row ${i + 1}`);
      lines[949_999] = 'row 950000 has the rare token';
      lines[9] = 'row 10 has the rare token too';
      fs.writeFileSync(path.join(world.root, 'large.txt'), `${lines.join('\n')}\n`);
      expect(fs.statSync(path.join(world.root, 'large.txt')).size).toBeGreaterThan(8 * 1024 * 1024);
      const outcome = await grep({ query: 'rare token', include: ['large.txt'] });
      expect(outcome.text).toContain('large.txt:10:row 10 has the rare token too');
      expect(outcome.text).toContain('large.txt:950000:row 950000 has the rare token');
      expect(outcome.structured).toMatchObject({ filesMatched: 1, filesSearched: 1 });
    });
  });
});
