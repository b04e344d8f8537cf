import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMP_SUFFIX } from '../src/fs/atomic-write.js';
import { call, clientFor, makeWorld, type World, writeTree } from './support/world.js';

describe('write tools', () => {
  let world: World;
  let client: TestClient;
  const at = (rel: string) => path.join(world.root, rel);

  beforeEach(async () => {
    world = makeWorld();
    client = await clientFor(world);
  });

  afterEach(async () => {
    await client.close();
    world.cleanup();
  });

  describe('write_file', () => {
    it('creates and replaces atomically, leaving no temporary file', async () => {
      const created = await call(client, 'write_file', { path: 'new.txt', content: 'first\n' });
      expect(created.text).toBe('Created new.txt (6 B)');
      const replaced = await call(client, 'write_file', { path: 'new.txt', content: 'second\n' });
      expect(replaced.text).toBe('Replaced new.txt (7 B)');
      expect(fs.readFileSync(at('new.txt'), 'utf8')).toBe('second\n');
      expect(fs.readdirSync(world.root).filter((n) => n.endsWith(TEMP_SUFFIX))).toEqual([]);
    });

    it('keeps the permission bits of the file it replaces', async () => {
      fs.writeFileSync(at('script.sh'), 'echo old\n', { mode: 0o750 });
      fs.chmodSync(at('script.sh'), 0o750);
      await call(client, 'write_file', { path: 'script.sh', content: 'echo new\n' });
      expect(fs.statSync(at('script.sh')).mode & 0o777).toBe(0o750);
    });

    it('writes through an inside link to its target, keeping the link', async () => {
      fs.writeFileSync(at('target.txt'), 'old\n');
      fs.symlinkSync('target.txt', at('alias.txt'));
      await call(client, 'write_file', { path: 'alias.txt', content: 'new\n' });
      expect(fs.lstatSync(at('alias.txt')).isSymbolicLink()).toBe(true);
      expect(fs.readFileSync(at('target.txt'), 'utf8')).toBe('new\n');
    });

    it('refuses a missing folder and a folder as the target', async () => {
      const missing = await call(client, 'write_file', { path: 'no/such/dir/x.txt', content: 'x' });
      expect(missing.text).toMatch(/folder to write into does not exist.*create_directory/);
      fs.mkdirSync(at('adir'));
      expect((await call(client, 'write_file', { path: 'adir', content: 'x' })).text).toBe(
        'adir: is a directory',
      );
    });
  });

  describe('edit_file', () => {
    const edit = (args: Record<string, unknown>) => call(client, 'edit_file', args);

    it('replaces a unique match and returns a unified diff', async () => {
      fs.writeFileSync(at('a.ts'), 'const a = 1;\nconst b = 2;\n');
      const outcome = await edit({
        path: 'a.ts',
        edits: [{ oldText: 'const b = 2;', newText: 'const b = 3;' }],
      });
      expect(outcome.isError).toBe(false);
      expect(outcome.text).toContain('--- a.ts\n+++ a.ts');
      expect(outcome.text).toContain('-const b = 2;\n+const b = 3;');
      expect(outcome.text).toContain('Applied 1 replacement to a.ts.');
      expect(fs.readFileSync(at('a.ts'), 'utf8')).toBe('const a = 1;\nconst b = 3;\n');
    });

    it('refuses an ambiguous match unless replaceAll, and names the lines', async () => {
      fs.writeFileSync(at('dup.txt'), 'x = 1\ny\nx = 1\n');
      const ambiguous = await edit({ path: 'dup.txt', edits: [{ oldText: 'x = 1', newText: 'x = 2' }] });
      expect(ambiguous.isError).toBe(true);
      expect(ambiguous.text).toMatch(/matches 2 places \(lines 1, 3\).*replaceAll/);
      expect(fs.readFileSync(at('dup.txt'), 'utf8')).toBe('x = 1\ny\nx = 1\n');
      await edit({ path: 'dup.txt', edits: [{ oldText: 'x = 1', newText: 'x = 2', replaceAll: true }] });
      expect(fs.readFileSync(at('dup.txt'), 'utf8')).toBe('x = 2\ny\nx = 2\n');
    });

    it('falls back to whitespace-tolerant matching and says so', async () => {
      fs.writeFileSync(at('indent.py'), 'def f():\n    if x:\n        return   1\n    return 2\n');
      const outcome = await edit({
        path: 'indent.py',
        edits: [{ oldText: 'if x:\n    return 1', newText: 'if x:\n    return 10' }],
      });
      expect(outcome.isError, outcome.text).toBe(false);
      expect(outcome.text).toMatch(/matched only when differences in whitespace were ignored \(line 2\)/);
      expect(fs.readFileSync(at('indent.py'), 'utf8')).toBe(
        'def f():\n    if x:\n        return 10\n    return 2\n',
      );
    });

    it('reports a miss with a hint and changes nothing', async () => {
      fs.writeFileSync(at('m.txt'), 'alpha\nbeta\n');
      const outcome = await edit({ path: 'm.txt', edits: [{ oldText: 'alpha\ngamma', newText: 'z' }] });
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/not found, even ignoring whitespace.*line 1/);
      expect(fs.readFileSync(at('m.txt'), 'utf8')).toBe('alpha\nbeta\n');
    });

    it('applies edits in order, all or nothing', async () => {
      fs.writeFileSync(at('seq.txt'), 'one two three\n');
      const failed = await edit({
        path: 'seq.txt',
        edits: [
          { oldText: 'one', newText: '1' },
          { oldText: 'nope', newText: 'x' },
        ],
      });
      expect(failed.text).toMatch(/^edit 2: /);
      expect(fs.readFileSync(at('seq.txt'), 'utf8')).toBe('one two three\n');
      await edit({
        path: 'seq.txt',
        edits: [
          { oldText: 'one', newText: 'two' },
          { oldText: 'two two', newText: '2' },
        ],
      });
      expect(fs.readFileSync(at('seq.txt'), 'utf8')).toBe('2 three\n');
    });

    it('keeps CRLF line endings, a BOM, UTF-16 and Latin-1 bytes', async () => {
      fs.writeFileSync(at('crlf.txt'), 'a\r\nb\r\nc\r\n');
      await edit({ path: 'crlf.txt', edits: [{ oldText: 'a\nb', newText: 'A\nB' }] });
      expect(fs.readFileSync(at('crlf.txt'), 'utf8')).toBe('A\r\nB\r\nc\r\n');

      fs.writeFileSync(at('bom.txt'), '\ufeffhello\n');
      await edit({ path: 'bom.txt', edits: [{ oldText: 'hello', newText: 'bye' }] });
      expect(fs.readFileSync(at('bom.txt'))).toEqual(Buffer.from('\ufeffbye\n', 'utf8'));

      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('grüße\n', 'utf16le')]);
      fs.writeFileSync(at('utf16.txt'), utf16);
      await edit({ path: 'utf16.txt', edits: [{ oldText: 'grüße', newText: 'hallo' }] });
      expect(fs.readFileSync(at('utf16.txt'))).toEqual(
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hallo\n', 'utf16le')]),
      );

      const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x78, 0x0a]); // "café\nx\n" in Latin-1
      fs.writeFileSync(at('latin1.txt'), latin1);
      await edit({ path: 'latin1.txt', edits: [{ oldText: 'x', newText: 'y' }] });
      expect(fs.readFileSync(at('latin1.txt'))).toEqual(
        Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x79, 0x0a]),
      );
    });

    it('dryRun shows the diff and writes nothing; binary and oversized files are refused', async () => {
      fs.writeFileSync(at('d.txt'), 'keep\n');
      const dry = await edit({ path: 'd.txt', edits: [{ oldText: 'keep', newText: 'lose' }], dryRun: true });
      expect(dry.text).toContain('+lose');
      expect(dry.text).toContain('Dry run: nothing was written.');
      expect(fs.readFileSync(at('d.txt'), 'utf8')).toBe('keep\n');
      fs.writeFileSync(at('b.bin'), Buffer.from([1, 0, 2]));
      expect((await edit({ path: 'b.bin', edits: [{ oldText: 'a', newText: 'b' }] })).text).toMatch(/binary/);
      await client.close();
      client = await clientFor(world, { maxEditBytes: 3 });
      expect((await edit({ path: 'd.txt', edits: [{ oldText: 'keep', newText: 'x' }] })).text).toMatch(
        /over the 3 B edit limit/,
      );
    });
  });

  describe('create_directory and move_file', () => {
    it('creates nested folders, and is quiet when they exist', async () => {
      expect((await call(client, 'create_directory', { path: 'a/b/c' })).text).toBe(
        'Created directory a/b/c',
      );
      expect(fs.statSync(at('a/b/c')).isDirectory()).toBe(true);
      expect((await call(client, 'create_directory', { path: 'a/b' })).text).toBe('a/b already exists');
      fs.writeFileSync(at('file'), '');
      expect((await call(client, 'create_directory', { path: 'file' })).isError).toBe(true);
      expect((await call(client, 'create_directory', { path: 'file/sub' })).isError).toBe(true);
    });

    it('moves and renames, never replacing unless asked, never replacing a folder', async () => {
      writeTree(world.root, { 'src.txt': 'src\n', 'dst.txt': 'dst\n', 'dir/inner.txt': 'inner\n' });
      const refused = await call(client, 'move_file', { source: 'src.txt', destination: 'dst.txt' });
      expect(refused.text).toBe('dst.txt: already exists (pass overwrite: true to replace it)');
      expect(fs.readFileSync(at('dst.txt'), 'utf8')).toBe('dst\n');
      await call(client, 'move_file', { source: 'src.txt', destination: 'dst.txt', overwrite: true });
      expect(fs.readFileSync(at('dst.txt'), 'utf8')).toBe('src\n');
      expect(fs.existsSync(at('src.txt'))).toBe(false);
      await call(client, 'move_file', { source: 'dir', destination: 'renamed' });
      expect(fs.readFileSync(at('renamed/inner.txt'), 'utf8')).toBe('inner\n');
      const intoFolder = await call(client, 'move_file', {
        source: 'dst.txt',
        destination: 'renamed',
        overwrite: true,
      });
      expect(intoFolder.text).toMatch(/is a directory; it will not be replaced/);
      const intoItself = await call(client, 'move_file', { source: 'renamed', destination: 'renamed/sub' });
      expect(intoItself.isError).toBe(true);
      const root = await call(client, 'move_file', { source: '.', destination: 'elsewhere' });
      expect(root.text).toMatch(/cannot be moved/);
      const noFolder = await call(client, 'move_file', { source: 'dst.txt', destination: 'x/y/z.txt' });
      expect(noFolder.text).toMatch(/destination folder does not exist/);
    });

    it('moves a symbolic link as a link', async () => {
      fs.writeFileSync(at('t.txt'), 't\n');
      fs.symlinkSync('t.txt', at('l.txt'));
      await call(client, 'move_file', { source: 'l.txt', destination: 'm.txt' });
      expect(fs.readlinkSync(at('m.txt'))).toBe('t.txt');
    });
  });

  it('read-only mode lists no writing tool', async () => {
    await client.close();
    client = await clientFor(world, { readOnly: true });
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const writer of ['write_file', 'edit_file', 'create_directory', 'move_file'])
      expect(names).not.toContain(writer);
    expect(names).toContain('read_text_file');
    await expect(
      client.callTool({ name: 'write_file', arguments: { path: 'x', content: 'y' } }),
    ).rejects.toThrow(/not found/);
    expect(fs.existsSync(at('x'))).toBe(false);
  });
});

describe('atomic write under a crash', () => {
  let world: World;
  beforeEach(() => {
    world = makeWorld();
  });
  afterEach(() => world.cleanup());

  it('a process killed mid-write leaves the old file whole', async () => {
    const target = path.join(world.root, 'precious.txt');
    fs.writeFileSync(target, 'the old content\n');
    // The built writer (npm test builds first), in a process of its own that we kill mid-write.
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const writer = fileURLToPath(new URL('../dist/fs/atomic-write.js', import.meta.url));
    const script = `
      const { Sandbox } = await import(${JSON.stringify(dist)});
      const { atomicWrite } = await import(${JSON.stringify(writer)});
      const sandbox = await Sandbox.create([${JSON.stringify(world.root)}], '/');
      const target = await sandbox.resolve('precious.txt');
      process.send('ready');
      await atomicWrite(sandbox, target, Buffer.alloc(128 * 1024 * 1024, 0x41));
      process.send('done');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const messages: string[] = [];
    child.on('message', (m) => messages.push(String(m)));
    // Kill as soon as the temporary file has some bytes: the rename cannot have happened yet.
    const deadline = Date.now() + 20_000;
    let killed = false;
    while (Date.now() < deadline && !killed) {
      const temp = fs.readdirSync(world.root).find((n) => n.endsWith(TEMP_SUFFIX));
      if (temp) {
        const size = fs.statSync(path.join(world.root, temp), { throwIfNoEntry: false })?.size ?? 0;
        if (size > 0) {
          child.kill('SIGKILL');
          killed = true;
        }
      }
      if (messages.includes('done')) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    expect(killed, 'the writer was killed mid-write').toBe(true);
    expect(messages).not.toContain('done');
    expect(fs.readFileSync(target, 'utf8')).toBe('the old content\n');
  }, 60_000);
});
