import fs from 'node:fs';
import path from 'node:path';
import { connect, resultText, type TestClient } from '@mcpkit/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSearchWorker, parallelCounts, searchParallelism } from '../src/fs/search-pool.js';
import { createFilesystemServer } from '../src/index.js';
import { startFlipper } from './support/flipper.js';
import { call, clientFor, makeWorld, SECRET, type World, watchCalls, writeTree } from './support/world.js';

/**
 * A large search runs on two threads (the walk and some batches on the main thread, other
 * batches on a worker). These tests force that mode on small trees and hold it to the
 * single-threaded answer, to the sandbox, and to cancellation. The worker runs the built file
 * (packages/filesystem/dist): build with `npx tsc -b packages/filesystem` first.
 */

const DEFAULTS = { ...searchParallelism };

function singleThreaded(): void {
  Object.assign(searchParallelism, { ...DEFAULTS, enabled: false });
}

function parallel(inFlight: number): void {
  Object.assign(searchParallelism, { ...DEFAULTS, afterFiles: 1, batchFiles: 7, inFlight });
}

afterEach(() => {
  Object.assign(searchParallelism, DEFAULTS);
});

/** A line that holds "needle" (some of the time), for files of the generated tree. */
function fileText(i: number): string {
  const lines: string[] = [];
  for (let l = 0; l < 30; l++) {
    lines.push(
      i % 7 === 0 && l % 9 === 3 ? `line ${l} has the Needle ${i} here` : `plain line ${l} of file ${i}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Over 8 MiB (one search window), 60 bytes a line: matches at the start, on both sides of the first
 * window's end (line 139,811 spans byte 8 MiB), and at the end. */
function largeText(): string {
  const lines: string[] = [];
  for (let l = 0; l < 150_000; l++) {
    const needle = l === 3 || (l >= 139_800 && l <= 139_820 && l % 4 === 0) || l === 149_999;
    lines.push(`${needle ? 'needle' : 'filler'} line ${String(l).padStart(6, '0')} ${'.'.repeat(40)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('content search on two threads', () => {
  let world: World;
  let client: TestClient;

  beforeAll(async () => {
    world = makeWorld();
    const files: Record<string, string | Buffer> = {};
    for (let d = 0; d < 30; d++) {
      for (let f = 0; f < 40; f++) files[`d${String(d).padStart(2, '0')}/f${f}.txt`] = fileText(d * 40 + f);
    }
    files['d03/bin.dat'] = Buffer.concat([
      Buffer.from('needle\n'),
      Buffer.alloc(16),
      Buffer.from('needle\n'),
    ]);
    files['d05/empty.txt'] = '';
    files['.gitignore'] = 'ignored/\n';
    files['ignored/a.txt'] = 'needle in an ignored folder\n';
    files['d07/match.txt'] = 'a needle in a file with two names\n';
    // Long matching lines: the page bound (not the count) ends these searches part way.
    for (let k = 0; k < 12; k++) {
      files[`d10/long${k}.txt`] = Array.from({ length: 40 }, (_, n) => `needle ${k}.${n} ${'x'.repeat(400)}`)
        .join('\n')
        .concat('\n');
    }
    files['d15/large.log'] = largeText();
    writeTree(world.root, files);
    fs.linkSync(path.join(world.root, 'd07/match.txt'), path.join(world.root, 'd20/also.txt'));
    client = await clientFor(world, { maxContentResults: 2000 });
  });

  afterAll(async () => {
    await client.close();
    world.cleanup();
  });

  const QUERIES: [string, Record<string, unknown>][] = [
    ['every hit, past many files', { query: 'needle', exclude: ['d10'] }],
    ['case-sensitive', { query: 'Needle' }],
    ['the cap reached mid-way', { query: 'needle', maxResults: 37 }],
    ['the cap reached inside the large file', { query: 'needle line 1398', maxResults: 5 }],
    ['the page bound reached mid-way', { query: 'needle', include: ['d1*/**'] }],
    ['context lines', { query: 'needle', contextLines: 2, maxResults: 300 }],
    ['a regular expression', { query: 'N[e]+dle \\d+', regex: true }],
    ['.gitignore not respected', { query: 'needle', respectGitignore: false, exclude: ['d1*'] }],
    ['no match anywhere', { query: 'absent from every file' }],
  ];

  // inFlight 0: the main thread searches every batch and leaves large files to the worker;
  // 1000: the worker searches every batch; 2: both share the work.
  describe.each([0, 2, 1000])('with %i batches queued on the worker at most', (inFlight) => {
    it.each(QUERIES)('%s: the same answer as on one thread', async (_, args) => {
      const input = { path: '.', ...args };
      singleThreaded();
      const one = await call(client, 'search_file_contents', input);
      parallel(inFlight);
      const searches = parallelCounts.searches;
      const two = await call(client, 'search_file_contents', input);
      expect(
        parallelCounts.searches,
        'two threads: is the worker built? (npx tsc -b packages/filesystem)',
      ).toBe(searches + 1);
      expect(two.isError).toBe(false);
      expect(two.text).toBe(one.text);
      expect(two.structured).toEqual(one.structured);
    });
  });

  it('the answers above hold what they claim to (and both threads took batches)', async () => {
    singleThreaded();
    const all = await call(client, 'search_file_contents', { path: '.', query: 'needle', exclude: ['d10'] });
    const found = all.structured as {
      matches: { path: string; line: number }[];
      skipped: Record<string, number>;
      truncated: boolean;
    };
    expect(found.truncated).toBe(false);
    expect(found.skipped).toEqual({ binary: 1, unreadable: 0, hardlinked: 2 });
    expect(found.matches.some((m) => m.path.startsWith('ignored'))).toBe(false);
    const large = found.matches.filter((m) => m.path === 'd15/large.log').map((m) => m.line);
    expect(large).toEqual([4, 139_801, 139_805, 139_809, 139_813, 139_817, 139_821, 150_000]);
    const page = await call(client, 'search_file_contents', {
      path: '.',
      query: 'needle',
      include: ['d1*/**'],
    });
    expect((page.structured as { truncated: boolean; matches: unknown[] }).truncated).toBe(true);
    expect((page.structured as { matches: unknown[] }).matches.length).toBeLessThan(480);
    expect(parallelCounts.workerBatches).toBeGreaterThan(0);
    expect(parallelCounts.hereBatches).toBeGreaterThan(0);
    expect(parallelCounts.largeToWorker).toBeGreaterThan(0);
  });
});

describe.skipIf(process.platform !== 'linux')('two-thread search and the sandbox', () => {
  let world: World;
  afterEach(() => world.cleanup());

  it('a folder swapped for a symlink during a search: nothing outside the root is read', async () => {
    world = makeWorld();
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`a${i % 10}/f${i}.txt`] = `harmless ${i}\n`;
    for (let i = 0; i < 20; i++) files[`flip/f${i}.txt`] = 'harmless\n';
    files['flip/secret.txt'] = 'harmless\n';
    writeTree(world.root, files);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(world.outside, `f${i}.txt`), `${SECRET}\n`);
    const client = await clientFor(world);
    // As in sandbox.test.ts: a separate process flips root/flip between the real folder and a
    // link to the outside, leaving each state in place up to a millisecond, so searches meet both.
    const flipper = await startFlipper(world, path.join(world.root, 'flip'), 1);
    try {
      parallel(2);
      const searches = parallelCounts.searches;
      // At least 200 searches, and until several went into the real folder while it was swapped.
      let searchedFlip = 0;
      let calls = 0;
      while ((searchedFlip < 3 || calls < 200) && calls < 800) {
        calls++;
        const outcome = await call(client, 'search_file_contents', { path: '.', query: 'TOP-SECRET' });
        expect(outcome.text).not.toContain(SECRET);
        expect((outcome.structured as { matches: unknown[] }).matches).toEqual([]);
        if ((outcome.structured as { filesSearched: number }).filesSearched > 300) searchedFlip++;
      }
      expect(parallelCounts.searches).toBe(searches + calls);
      expect(searchedFlip).toBeGreaterThanOrEqual(3);
      expect(await flipper.stop()).toBeGreaterThan(2);
    } finally {
      await flipper.kill();
      await client.close();
    }
  });

  it('a cancelled two-thread search stops and leaves no descriptor open', async () => {
    world = makeWorld();
    const files: Record<string, string> = {};
    for (let i = 0; i < 6000; i++) files[`d${i % 60}/f${i}.txt`] = `content ${i}\n`.repeat(20);
    writeTree(world.root, files);
    const { middleware: watch, seen } = watchCalls('search_file_contents');
    const client = await connect(await createFilesystemServer({ roots: [world.root] }), {
      middleware: [watch],
    });
    const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
    try {
      parallel(2);
      // A first search starts the worker (its own descriptors are not the search's).
      const first = await client.callTool({
        name: 'search_file_contents',
        arguments: { path: '.', query: 'content 5999' },
      });
      expect(resultText(first)).toContain('6000 files searched');
      seen.ended = undefined;
      const before = openDescriptors();
      const searches = parallelCounts.searches;
      const controller = new AbortController();
      // Cancel at the first progress report: the search is under way, on two threads.
      const pending = client.callTool(
        { name: 'search_file_contents', arguments: { path: '.', query: 'nothing like this' } },
        { signal: controller.signal, onprogress: () => controller.abort(new Error('cancelled by the test')) },
      );
      await expect(pending).rejects.toThrow('cancelled by the test');
      await expect.poll(() => seen.ended, { timeout: 30_000 }).toBeDefined();
      expect(parallelCounts.searches).toBe(searches + 1);
      expect(seen.ended).toBe('error');
      expect(openDescriptors()).toBe(before);
      // And the worker still serves the next search.
      const next = await client.callTool({
        name: 'search_file_contents',
        arguments: { path: '.', query: 'content 5999' },
      });
      expect(resultText(next)).toContain('6000 files searched');
      // Ended while idle (a server's close hook), a later search starts a new one.
      await closeSearchWorker();
      const again = await client.callTool({
        name: 'search_file_contents',
        arguments: { path: '.', query: 'content 5999' },
      });
      expect(resultText(again)).toContain('6000 files searched');
      expect(parallelCounts.searches).toBe(searches + 3);
    } finally {
      await client.close();
    }
  });
});
