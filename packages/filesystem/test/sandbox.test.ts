import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect, createTestContext, resultText, type TestClient } from '@mcpkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWrite } from '../src/fs/atomic-write.js';
import { createFilesystemServer, Sandbox } from '../src/index.js';
import { parseLimits } from '../src/options.js';
import { createFsContext } from '../src/tools/context.js';
import { startFlipper } from './support/flipper.js';
import { call, clientFor, makeWorld, outsideState, SECRET, type World } from './support/world.js';

/**
 * Every known way out of the sandbox, tried against every tool that takes a path, in both
 * check modes (Linux /proc/self/fd, and the portable checks macOS and Windows get). After each
 * test the disk outside the root must be exactly as it was, and no answer may hold the secret
 * or name a real path outside that the caller did not give.
 */

const MODES = [
  ['descriptor checks (Linux)', false],
  ['portable checks (macOS/Windows)', true],
] as const;

type Attack = { name: string; path: (w: World) => string; setup?: (w: World) => void };

const NFD_ROOT = 'cafe\u0301'; // "café" decomposed: a different folder from the composed root on Linux

const ATTACKS: Attack[] = [
  { name: '.. to a file', path: () => '../outside/secret.txt' },
  { name: '.. to a folder', path: () => '../outside' },
  { name: '.. buried in the middle', path: () => 'sub/../../outside/secret.txt' },
  { name: 'absolute path outside', path: (w) => w.secretFile },
  { name: 'absolute folder outside', path: (w) => w.outside },
  { name: 'double leading slash', path: (w) => `/${w.secretFile}` },
  { name: 'prefix sibling (absolute)', path: (w) => path.join(w.sibling, 'secret.txt') },
  { name: 'prefix sibling (relative)', path: () => '../root-evil/secret.txt' },
  { name: 'prefix sibling folder', path: (w) => w.sibling },
  {
    name: 'symlink to a file outside',
    path: () => 'link-file',
    setup: (w) => fs.symlinkSync(w.secretFile, path.join(w.root, 'link-file')),
  },
  {
    name: 'symlink to a folder outside',
    path: () => 'link-dir',
    setup: (w) => fs.symlinkSync(w.outside, path.join(w.root, 'link-dir')),
  },
  {
    name: 'through a symlinked folder',
    path: () => 'link-dir/secret.txt',
    setup: (w) => fs.symlinkSync(w.outside, path.join(w.root, 'link-dir')),
  },
  {
    name: 'relative symlink climbing out',
    path: () => 'sub/rel-link',
    setup: (w) => {
      fs.mkdirSync(path.join(w.root, 'sub'), { recursive: true });
      fs.symlinkSync('../../outside/secret.txt', path.join(w.root, 'sub', 'rel-link'));
    },
  },
  {
    name: 'chained symlinks (inside, then out)',
    path: () => 'chain1',
    setup: (w) => {
      fs.symlinkSync('chain2', path.join(w.root, 'chain1'));
      fs.symlinkSync(w.secretFile, path.join(w.root, 'chain2'));
    },
  },
  {
    name: 'dangling symlink to a new file outside',
    path: () => 'dangling',
    setup: (w) => fs.symlinkSync(path.join(w.outside, 'later.txt'), path.join(w.root, 'dangling')),
  },
  {
    name: 'dangling symlink into a missing folder outside',
    path: () => 'dangling-dir/new.txt',
    setup: (w) => fs.symlinkSync(path.join(w.outside, 'not-yet'), path.join(w.root, 'dangling-dir')),
  },
  {
    name: 'hard link to a file outside',
    path: () => 'hardlink.txt',
    setup: (w) => fs.linkSync(w.secretFile, path.join(w.root, 'hardlink.txt')),
  },
  { name: 'file:// URI outside', path: (w) => `file://${w.secretFile}` },
  { name: 'file:// URI with encoded dots', path: (w) => `file://${w.root}/%2e%2e/outside/secret.txt` },
  { name: 'file:// URI with an encoded slash', path: (w) => `file://${w.root}/..%2Foutside%2Fsecret.txt` },
  { name: 'file:// URI naming a host', path: (w) => `file://evil.example${w.secretFile}` },
  { name: 'NUL byte', path: () => 'a.txt\u0000../../outside/secret.txt' },
  { name: 'tilde', path: () => '~/secret.txt' },
  { name: 'bare tilde', path: () => '~' },
  { name: 'very long path', path: () => `${'a/'.repeat(3000)}x` },
  { name: 'overlong name', path: () => `${'n'.repeat(300)}.txt` },
  { name: 'Windows drive path', path: () => 'C:\\Windows\\win.ini' },
  {
    name: 'case variant of the root (a different folder here)',
    path: (w) => path.join(w.base, 'ROOT', 'secret.txt'),
    setup: (w) => {
      fs.mkdirSync(path.join(w.base, 'ROOT'));
      fs.writeFileSync(path.join(w.base, 'ROOT', 'secret.txt'), `${SECRET}\n`);
    },
  },
  {
    name: 'quoted absolute path',
    path: (w) => `"${w.secretFile}"`,
  },
  { name: 'leading space before an absolute path', path: (w) => ` ${w.secretFile}` },
  { name: 'trailing space', path: () => '../outside/secret.txt ' },
];

/** Attacks that name something inside the root (a literal odd name): not refused, but harmless. */
const HARMLESS_IF_ALLOWED = new Set(['quoted absolute path', 'leading space before an absolute path']);

type ToolCase = { tool: string; args: (p: string) => Record<string, unknown>; inline?: boolean };

const TOOLS: ToolCase[] = [
  { tool: 'read_text_file', args: (p) => ({ path: p }) },
  { tool: 'read_text_file', args: (p) => ({ path: p, tail: 3 }) },
  { tool: 'read_file', args: (p) => ({ path: p }) },
  { tool: 'read_media_file', args: (p) => ({ path: p }) },
  { tool: 'read_multiple_files', args: (p) => ({ paths: [p, 'inside.txt'] }), inline: true },
  { tool: 'write_file', args: (p) => ({ path: p, content: 'overwritten' }) },
  { tool: 'edit_file', args: (p) => ({ path: p, edits: [{ oldText: SECRET, newText: 'gone' }] }) },
  { tool: 'create_directory', args: (p) => ({ path: p }) },
  { tool: 'create_directory', args: (p) => ({ path: `${p}/made` }) },
  { tool: 'move_file', args: (p) => ({ source: p, destination: 'moved-in' }) },
  { tool: 'move_file', args: (p) => ({ source: 'inside.txt', destination: p }) },
  { tool: 'list_directory', args: (p) => ({ path: p }) },
  { tool: 'list_directory_with_sizes', args: (p) => ({ path: p }) },
  { tool: 'directory_tree', args: (p) => ({ path: p }) },
  { tool: 'search_files', args: (p) => ({ path: p, pattern: '*' }) },
  { tool: 'search_file_contents', args: (p) => ({ path: p, query: SECRET }) },
  { tool: 'get_file_info', args: (p) => ({ path: p }) },
];

describe.each(MODES)('sandbox: %s', (_mode, portable) => {
  let world: World;
  let client: TestClient | undefined;
  let before: string;

  beforeEach(() => {
    world = makeWorld();
    fs.writeFileSync(path.join(world.root, 'inside.txt'), 'inside\n');
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    world.cleanup();
  });

  describe.each(ATTACKS)('$name', (attack) => {
    it('is refused by every tool; nothing outside is read, created or changed', async () => {
      attack.setup?.(world);
      before = outsideState(world);
      client = await clientFor(world, { portableChecks: portable });
      const given = attack.path(world);
      for (const { tool, args, inline } of TOOLS) {
        const outcome = await call(client, tool, args(given));
        const label = `${tool} ${JSON.stringify(args(given)).slice(0, 120)}`;
        expect(outcome.text, label).not.toContain(SECRET);
        expect(JSON.stringify(outcome.structured ?? {}), label).not.toContain(SECRET);
        // No real path outside the root that the caller did not write themselves.
        if (!given.includes(world.base)) expect(outcome.text, label).not.toContain(world.outside);
        if (!HARMLESS_IF_ALLOWED.has(attack.name)) {
          if (inline) expect(outcome.text, label).toMatch(/Error/);
          else expect(outcome.isError, `${label}: ${outcome.text}`).toBe(true);
        }
        expect(outsideState(world), label).toBe(before);
      }
      // The inside file was never moved away or replaced by any of the refused attempts.
      if (!HARMLESS_IF_ALLOWED.has(attack.name))
        expect(fs.readFileSync(path.join(world.root, 'inside.txt'), 'utf8')).toBe('inside\n');
    });
  });

  it('refuses a Unicode-normalization twin of the root (a different folder on this volume)', async () => {
    const composed = path.join(world.base, 'caf\u00e9');
    const decomposed = path.join(world.base, NFD_ROOT);
    fs.mkdirSync(composed);
    fs.mkdirSync(decomposed);
    fs.writeFileSync(path.join(decomposed, 'secret.txt'), `${SECRET}\n`);
    const module = await createFilesystemServer({ roots: [composed], portableChecks: portable });
    const { connect } = await import('@mcpkit/core/testing');
    client = await connect(module);
    const outcome = await call(client, 'read_text_file', { path: path.join(decomposed, 'secret.txt') });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toContain('outside the allowed directories');
    expect(outcome.text).not.toContain(SECRET);
  });

  it('finds a file stored in another Unicode form, unless two forms are there', async () => {
    fs.writeFileSync(path.join(world.root, 'cafe\u0301.txt'), 'decomposed\n');
    client = await clientFor(world, { portableChecks: portable });
    const composed = await call(client, 'read_text_file', { path: 'caf\u00e9.txt' });
    expect(composed.text).toBe('decomposed\n');
    fs.writeFileSync(path.join(world.root, 'caf\u00e9.txt'), 'composed\n');
    expect((await call(client, 'read_text_file', { path: 'caf\u00e9.txt' })).text).toBe('composed\n');
    // Two stored spellings of one composed name: ambiguous, so neither is picked.
    fs.writeFileSync(path.join(world.root, 'e\u0301\u0323'), 'one\n');
    fs.writeFileSync(path.join(world.root, 'e\u0323\u0301'), 'two\n');
    const ambiguous = await call(client, 'read_text_file', { path: '\u1eb9\u0301' });
    expect(ambiguous.text).toMatch(/no such file/);
  });

  it('accepts what is inside: relative, absolute, file:// URIs, links that stay inside', async () => {
    fs.mkdirSync(path.join(world.root, 'sub'));
    fs.writeFileSync(path.join(world.root, 'sub', 'a.txt'), 'alpha\n');
    fs.symlinkSync('sub/a.txt', path.join(world.root, 'inner-link'));
    fs.symlinkSync(path.join(world.root, 'sub'), path.join(world.root, 'inner-dir'));
    client = await clientFor(world, { portableChecks: portable });
    for (const p of [
      'sub/a.txt',
      './sub/../sub/a.txt',
      path.join(world.root, 'sub', 'a.txt'),
      `file://${path.join(world.root, 'sub', 'a.txt')}`,
      'inner-link',
      'inner-dir/a.txt',
    ]) {
      const outcome = await call(client, 'read_text_file', { path: p });
      expect(outcome.isError, p).toBe(false);
      expect(outcome.text, p).toBe('alpha\n');
    }
  });

  it('refuses links created after the server started, and a dangling target created later', async () => {
    client = await clientFor(world, { portableChecks: portable });
    fs.symlinkSync(path.join(world.outside, 'later.txt'), path.join(world.root, 'late-link'));
    before = outsideState(world);
    const write = await call(client, 'write_file', { path: 'late-link', content: 'planted' });
    expect(write.isError).toBe(true);
    expect(outsideState(world)).toBe(before);
    fs.writeFileSync(path.join(world.outside, 'later.txt'), `${SECRET}\n`);
    const read = await call(client, 'read_text_file', { path: 'late-link' });
    expect(read.isError).toBe(true);
    expect(read.text).not.toContain(SECRET);
    fs.symlinkSync(world.outside, path.join(world.root, 'late-dir'));
    const list = await call(client, 'list_directory', { path: 'late-dir' });
    expect(list.isError).toBe(true);
    expect(list.text).not.toContain('secret.txt');
  });

  it('follows a dangling link that points inside: the write creates its target', async () => {
    fs.symlinkSync('created-by-link.txt', path.join(world.root, 'pending'));
    client = await clientFor(world, { portableChecks: portable });
    const write = await call(client, 'write_file', { path: 'pending', content: 'made\n' });
    expect(write.isError, write.text).toBe(false);
    expect(fs.readFileSync(path.join(world.root, 'created-by-link.txt'), 'utf8')).toBe('made\n');
    expect(fs.lstatSync(path.join(world.root, 'pending')).isSymbolicLink()).toBe(true);
  });

  it('never walks into a symlinked folder: tree, search and content search stay inside', async () => {
    fs.symlinkSync(world.outside, path.join(world.root, 'escape'));
    client = await clientFor(world, { portableChecks: portable });
    const tree = await call(client, 'directory_tree', { path: '.' });
    expect(tree.text).toContain('escape@');
    expect(tree.text).not.toContain('secret.txt');
    const found = await call(client, 'search_files', { path: '.', pattern: 'secret*' });
    expect(found.text).toContain('No matches');
    const grep = await call(client, 'search_file_contents', { path: '.', query: SECRET });
    expect(grep.text).toContain('No matches');
    expect(grep.text).not.toContain(SECRET.slice(0, 10).toLowerCase());
  });

  it('hard links: refused by default, allowed with allowHardlinks', async () => {
    fs.linkSync(world.secretFile, path.join(world.root, 'twin.txt'));
    client = await clientFor(world, { portableChecks: portable });
    const read = await call(client, 'read_text_file', { path: 'twin.txt' });
    expect(read.isError).toBe(true);
    expect(read.text).toContain('hard links');
    const grep = await call(client, 'search_file_contents', { path: '.', query: SECRET });
    expect(grep.text).toContain('No matches');
    expect(grep.structured?.skipped).toMatchObject({ hardlinked: 1 });
    await client.close();
    client = await clientFor(world, { portableChecks: portable, allowHardlinks: true });
    const allowed = await call(client, 'read_text_file', { path: 'twin.txt' });
    expect(allowed.isError).toBe(false);
    expect(allowed.text).toContain(SECRET);
  });

  it('names paths as the caller gave them, never as resolved', async () => {
    fs.symlinkSync(world.outside, path.join(world.root, 'alias'));
    client = await clientFor(world, { portableChecks: portable });
    const missing = await call(client, 'read_text_file', { path: 'nope/missing.txt' });
    expect(missing.text).toBe('nope/missing.txt: no such file or directory');
    const through = await call(client, 'read_text_file', { path: 'alias/missing.txt' });
    expect(through.text).toMatch(/^alias\/missing\.txt: outside the allowed directories/);
    expect(through.text).not.toContain(world.base);
  });

  describe('check-then-use races (TOCTOU)', () => {
    it('a folder swapped for a symlink after the check: the open is refused', async () => {
      const sandbox = await Sandbox.create([world.root], process.cwd(), { portable });
      fs.mkdirSync(path.join(world.root, 'dir'));
      fs.writeFileSync(path.join(world.root, 'dir', 'secret.txt'), 'harmless\n');
      const resolved = await sandbox.existing('dir/secret.txt');
      // The attacker swaps the checked folder for a link to the outside.
      fs.renameSync(path.join(world.root, 'dir'), path.join(world.root, 'dir-old'));
      fs.symlinkSync(world.outside, path.join(world.root, 'dir'));
      await expect(sandbox.openRead(resolved)).rejects.toThrow(/changed while being opened|outside/);
      const folder = await sandbox.existing('dir-old');
      fs.renameSync(path.join(world.root, 'dir-old'), path.join(world.root, 'dir-older'));
      fs.symlinkSync(world.outside, path.join(world.root, 'dir-old'));
      await expect(sandbox.openDir(folder)).rejects.toThrow(/changed while being opened/);
    });

    it('a folder swapped for a symlink before an atomic write: nothing is created outside', async () => {
      const sandbox = await Sandbox.create([world.root], process.cwd(), { portable });
      fs.mkdirSync(path.join(world.root, 'dir'));
      const resolved = await sandbox.resolve('dir/new.txt');
      fs.renameSync(path.join(world.root, 'dir'), path.join(world.root, 'dir-old'));
      fs.symlinkSync(world.outside, path.join(world.root, 'dir'));
      before = outsideState(world);
      await expect(atomicWrite(sandbox, resolved, Buffer.from('planted'))).rejects.toThrow();
      expect(outsideState(world)).toBe(before);
    });

    it('a file swapped for a symlink after the check: the open is refused', async () => {
      const sandbox = await Sandbox.create([world.root], process.cwd(), { portable });
      fs.writeFileSync(path.join(world.root, 'plain.txt'), 'plain\n');
      const resolved = await sandbox.existing('plain.txt');
      fs.rmSync(path.join(world.root, 'plain.txt'));
      fs.symlinkSync(world.secretFile, path.join(world.root, 'plain.txt'));
      await expect(sandbox.openRead(resolved)).rejects.toThrow(/changed while being opened/);
    });

    // Only descriptor checks hold against a continuous race: path re-checks narrow the window
    // but cannot close it (macOS adds O_NOFOLLOW_ANY; see the README's platform notes).
    it.skipIf(portable || process.platform !== 'linux')(
      'under a live swap loop, no read ever returns what is outside',
      async () => {
        fs.mkdirSync(path.join(world.root, 'flip'));
        fs.writeFileSync(path.join(world.root, 'flip', 'secret.txt'), 'harmless\n');
        client = await clientFor(world, { portableChecks: portable });
        // A separate process flips root/flip between the real folder and a link to the outside.
        const flipper = await startFlipper(world, path.join(world.root, 'flip'));
        try {
          // At least 150 calls, and on until the folder was swapped several times during them (a
          // fast server on a busy machine could otherwise finish before the flipper ran at all)
          // and one call met the real folder (its state lasts only microseconds of each swap,
          // so 150 calls can all meet the link or no folder: seen once in CI under Node 24).
          const before = flipper.swaps();
          let answered = 0;
          const raced = () => flipper.swaps() - before >= 3 && answered > 0;
          for (let i = 0; i < 150 || (!raced() && i < 5000); i++) {
            // A call in process can complete in microtasks alone: let I/O in (the flipper's
            // count of swaps arrives on a pipe), or the loop never sees a swap.
            await new Promise((resolve) => setImmediate(resolve));
            const outcome = await call(client, i % 3 === 2 ? 'list_directory' : 'read_text_file', {
              path: i % 3 === 2 ? 'flip' : 'flip/secret.txt',
            });
            expect(outcome.text).not.toContain(SECRET);
            if (!outcome.isError) answered++;
          }
          expect(answered).toBeGreaterThan(0);
          expect(flipper.swaps() - before).toBeGreaterThanOrEqual(3);
          // Beyond the swap before "ready": the calls raced.
          expect(await flipper.stop()).toBeGreaterThan(2);
        } finally {
          await flipper.kill();
        }
      },
    );
  });

  it('client roots narrow the configured ones (roots/list)', async () => {
    fs.mkdirSync(path.join(world.root, 'project'));
    fs.writeFileSync(path.join(world.root, 'project', 'in.txt'), 'in\n');
    fs.writeFileSync(path.join(world.root, 'other.txt'), 'other\n');
    const sandbox = await Sandbox.create([world.root], process.cwd(), { portable });
    const fsx = createFsContext(sandbox, parseLimits({}));
    const ctx = Object.assign(createTestContext(), {
      listRoots: async () => [
        { uri: `file://${path.join(world.root, 'project')}` },
        { uri: `file://${world.outside}` },
      ],
    });
    const narrowed = await fsx.sandboxFor(ctx);
    expect(narrowed.roots.map((r) => r.real)).toEqual([path.join(world.root, 'project')]);
    await expect(narrowed.existing('in.txt')).resolves.toMatchObject({ exists: true });
    await expect(narrowed.existing(path.join(world.root, 'other.txt'))).rejects.toThrow(/outside/);
    await expect(narrowed.existing(world.secretFile)).rejects.toThrow(/outside/);
    const none = await fsx.sandboxFor(Object.assign(createTestContext(), { listRoots: async () => [] }));
    expect(none).toBe(sandbox);
  });

  it('honours the roots a 2025-era client offers, end to end (roots/list)', async () => {
    fs.mkdirSync(path.join(world.root, 'project'));
    fs.writeFileSync(path.join(world.root, 'project', 'in.txt'), 'in\n');
    fs.writeFileSync(path.join(world.root, 'other.txt'), 'other\n');
    const module = await createFilesystemServer({ roots: [world.root], portableChecks: portable });
    const client = await connect(module, {
      capabilities: { roots: { listChanged: true } },
      configure: (c) =>
        c.setRequestHandler('roots/list', () => ({
          roots: [{ uri: pathToFileURL(path.join(world.root, 'project')).href }],
        })),
    });
    try {
      const inside = await client.callTool({
        name: 'read_text_file',
        arguments: { path: path.join(world.root, 'project', 'in.txt') },
      });
      expect(resultText(inside)).toContain('in');
      const other = await client.callTool({
        name: 'read_text_file',
        arguments: { path: path.join(world.root, 'other.txt') },
      });
      expect(other.isError).toBe(true);
      expect(resultText(other)).not.toContain('other\n');
    } finally {
      await client.close();
    }
  });
});

describe('roots configuration', () => {
  let world: World;
  beforeEach(() => {
    world = makeWorld();
  });
  afterEach(() => world.cleanup());

  it('refuses missing roots, files as roots, and "~"', async () => {
    fs.writeFileSync(path.join(world.base, 'file'), 'x');
    await expect(Sandbox.create([path.join(world.base, 'nope')], '/')).rejects.toThrow(/does not exist/);
    await expect(Sandbox.create([path.join(world.base, 'file')], '/')).rejects.toThrow(/not a directory/);
    await expect(Sandbox.create(['~/x'], '/')).rejects.toThrow(/not expanded/);
    await expect(Sandbox.create([], '/')).rejects.toThrow(/at least one/);
  });

  it('a root given through a symlink is shown as configured and checked as it really is', async () => {
    const alias = path.join(world.base, 'alias');
    fs.symlinkSync(world.root, alias);
    fs.writeFileSync(path.join(world.root, 'x.txt'), 'x\n');
    const module = await createFilesystemServer({ roots: [alias] });
    const { connect } = await import('@mcpkit/core/testing');
    const client = await connect(module);
    try {
      const dirs = await call(client, 'list_allowed_directories', {});
      expect(dirs.structured).toEqual({ directories: [alias] });
      expect((await call(client, 'read_text_file', { path: path.join(alias, 'x.txt') })).text).toBe('x\n');
      expect((await call(client, 'read_text_file', { path: path.join(world.root, 'x.txt') })).text).toBe(
        'x\n',
      );
    } finally {
      await client.close();
    }
  });
});
