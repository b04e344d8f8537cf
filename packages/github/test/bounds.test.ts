import { ERAS } from '@mcpkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from './standin/seed.js';
import { netChanges, unifiedDiff } from './standin/world.js';
import { call, openWorld, resultChars, textOf, violations, type World } from './support/harness.js';

const o = SEED.owner;
const r = SEED.publicRepo;

describe.each(ERAS)('bounded output (%s era)', (era) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(era);
  });
  afterAll(() => w.close());

  it('reads a 2 MB diff to the end in pages of at most 48 KiB by following the cursor', async () => {
    const hello = w.standin.world.repo(o, r)!;
    const pull = hello.pulls.get(SEED.bigPull)!;
    const expected = unifiedDiff(netChanges(hello, pull.baseSha, pull.headSha));
    expect(Buffer.byteLength(expected)).toBeGreaterThan(2_000_000);
    let cursor: string | undefined;
    let text = '';
    let pages = 0;
    do {
      const res = await call(w.client, 'get_pull_request_diff', {
        owner: o,
        repo: r,
        pull_number: SEED.bigPull,
        ...(cursor ? { cursor } : {}),
      });
      expect(res.isError).toBeFalsy();
      const s = res.structuredContent;
      expect(s.bytes).toBeLessThanOrEqual(48 * 1024);
      expect(resultChars(res)).toBeLessThanOrEqual(25_000);
      expect(s.offset).toBe(Buffer.byteLength(text));
      // The page is the diff's own text (not JSON-escaped), followed by a note line.
      text += Buffer.from(textOf(res)).subarray(0, s.bytes).toString('utf8');
      expect(textOf(res)).toMatch(s.nextCursor ? /\[[\d.]+ [KM]iB more of .*cursor="/ : /\[end of diff/);
      cursor = s.nextCursor;
      pages++;
    } while (cursor && pages < 500);
    expect(text).toBe(expected);
    expect(pages).toBeGreaterThan(2_000_000 / (48 * 1024));
  });

  it('gives diff pages of up to 48 KiB when asked, never more', async () => {
    const big = await call(w.client, 'get_pull_request_diff', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
      max_bytes: 48 * 1024,
    });
    expect(big.structuredContent.bytes).toBeGreaterThan(47 * 1024);
    expect(big.structuredContent.bytes).toBeLessThanOrEqual(48 * 1024);
    const over = await call(w.client, 'get_pull_request_diff', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
      max_bytes: 48 * 1024 + 1,
    });
    expect(over.isError).toBe(true);
    expect(textOf(over)).toMatch(/max_bytes/);
  });

  it('narrows a diff to one file and refuses a file that is not in it', async () => {
    const one = await call(w.client, 'get_pull_request_diff', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
      file: 'widgets/w03.ts',
    });
    expect(textOf(one)).toMatch(/^diff --git a\/widgets\/w03.ts b\/widgets\/w03.ts/);
    expect(textOf(one)).not.toContain('w04.ts');
    const none = await call(w.client, 'get_pull_request_diff', {
      owner: o,
      repo: r,
      pull_number: SEED.bigPull,
      file: 'nope.ts',
    });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toContain('get_pull_request_files');
  });

  it('reads a 5,000-line file by line window: every line once, the total, the next window', async () => {
    const lines: string[] = [];
    let start: number | undefined = 1;
    let windows = 0;
    while (start !== undefined) {
      const res = await call(w.client, 'get_file_contents', {
        owner: o,
        repo: r,
        path: SEED.linesFile,
        start_line: start,
        max_lines: 1000,
      });
      const s = res.structuredContent;
      expect(s.totalLines).toBe(SEED.linesFileLines);
      expect(s.startLine).toBe(start);
      expect(resultChars(res)).toBeLessThanOrEqual(25_000);
      lines.push(...s.text.split('\n'));
      if (s.nextStartLine) expect(textOf(res)).toContain(`start_line=${s.nextStartLine}`);
      start = s.nextStartLine;
      windows++;
    }
    expect(lines).toHaveLength(SEED.linesFileLines);
    expect(lines[0]).toMatch(/^line 0001:/);
    expect(lines.at(-1)).toMatch(/^line 5000:/);
    expect(windows).toBeGreaterThan(5); // the byte limit, not max_lines, cut the windows
  });

  it('reads a file over 1 MB through the raw media type; binary files as size and sha only', async () => {
    const n = SEED.largeTextLines;
    const large = await call(w.client, 'get_file_contents', {
      owner: o,
      repo: r,
      path: SEED.largeText,
      start_line: n - 1,
    });
    expect(large.structuredContent).toMatchObject({
      totalLines: n,
      startLine: n - 1,
      endLine: n,
      size: expect.any(Number),
    });
    expect(large.structuredContent.size).toBeGreaterThan(1024 * 1024);
    const rawCalls = w.standin.exchanges.filter(
      (e) => e.url.includes('large.txt') && /raw/.test(String(e.headers.accept)),
    );
    expect(rawCalls.length).toBeGreaterThan(0);
    for (const path of [SEED.largeBinary, SEED.smallBinary]) {
      const bin = await call(w.client, 'get_file_contents', { owner: o, repo: r, path });
      const blob = w.standin.world.resolve(w.standin.world.repo(o, r)!, 'main')!.tree.get(path)!;
      expect(bin.structuredContent).toEqual({
        type: 'file',
        path,
        sha: blob.sha,
        size: blob.content.length,
        binary: true,
      });
      expect(resultChars(bin)).toBeLessThan(500);
    }
  });

  it('removes bidi controls from file text and says how many', async () => {
    const res = await call(w.client, 'get_file_contents', { owner: o, repo: r, path: SEED.trojanFile });
    expect(res.structuredContent.invisibleCharactersRemoved).toBe(4);
    const seeded = w.standin.world.resolve(w.standin.world.repo(o, r)!, 'main')!.tree.get(SEED.trojanFile)!;
    const visible = seeded.content.toString('utf8').replace(/[\u202e\u2066\u2069]/g, '');
    expect(res.structuredContent.text).toBe(visible.trimEnd());
    expect(res.structuredContent.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(textOf(res)).toContain('4 invisible or bidi-control characters removed');
  });

  it('lists 250 seeded issues 20 at a time, visiting each exactly once', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(w.client, 'list_issues', {
        owner: o,
        repo: r,
        state: 'all',
        limit: 20,
        ...(cursor ? { cursor } : {}),
      });
      expect(res.isError).toBeFalsy();
      expect(res.structuredContent.items.length).toBeLessThanOrEqual(20);
      expect(resultChars(res)).toBeLessThanOrEqual(25_000);
      seen.push(...res.structuredContent.items.map((i: { number: number }) => i.number));
      cursor = res.structuredContent.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const issues = [...w.standin.world.repo(o, r)!.issues.values()]
      .filter((i) => !i.pull)
      .map((i) => i.number);
    expect(issues.length).toBeGreaterThanOrEqual(SEED.issues);
    expect([...seen].sort((a, b) => a - b)).toEqual(issues.sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('says plainly that search stops at 1,000 results, and gives no cursor past them', async () => {
    const first = await call(w.client, 'search_repositories', { query: 'lib org:acme', limit: 50 });
    expect(first.structuredContent.totalCount).toBe(SEED.searchRepoCount);
    expect(textOf(first)).toMatch(/returns only the first 1,000/);
    let cursor: string | undefined = first.structuredContent.nextCursor;
    let seen = first.structuredContent.items.length;
    while (cursor) {
      const res = await call(w.client, 'search_repositories', { query: 'lib org:acme', limit: 50, cursor });
      expect(res.isError).toBeFalsy();
      seen += res.structuredContent.items.length;
      cursor = res.structuredContent.nextCursor;
    }
    expect(seen).toBe(1000);
  });

  it("says when GitHub's search timed out and the results may be incomplete", async () => {
    w.standin.incompleteSearch = true;
    try {
      const res = await call(w.client, 'search_issues', { query: 'repo:octo/hello widget', limit: 5 });
      expect(res.structuredContent.incompleteResults).toBe(true);
      expect(textOf(res)).toContain(
        "GitHub's search timed out: these results may be incomplete; narrow the query.",
      );
    } finally {
      w.standin.incompleteSearch = false;
    }
  });

  it('pages a repository tree and says when GitHub truncated it', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await call(w.client, 'get_repository_tree', {
        owner: o,
        repo: r,
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...res.structuredContent.entries.map((e: { path: string }) => e.path));
      cursor = res.structuredContent.nextCursor;
    } while (cursor);
    const files = [...w.standin.world.resolve(w.standin.world.repo(o, r)!, 'main')!.tree.keys()];
    expect(all.filter((p) => files.includes(p)).sort()).toEqual(files.sort());
    expect(new Set(all).size).toBe(all.length);
    w.standin.treeLimit = 3;
    try {
      const res = await call(w.client, 'get_repository_tree', { owner: o, repo: r });
      expect(res.structuredContent).toMatchObject({ truncated: true, total: 3 });
      expect(textOf(res)).toContain('GitHub truncated this tree');
    } finally {
      w.standin.treeLimit = 100_000;
    }
  });

  it('refuses a cursor from another query', async () => {
    const page = await call(w.client, 'list_issues', { owner: o, repo: r, limit: 5 });
    const res = await call(w.client, 'list_issues', {
      owner: o,
      repo: r,
      limit: 6,
      cursor: page.structuredContent.nextCursor,
    });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/Invalid cursor/);
  });

  it('keeps the contract in every exchange', () => {
    expect(violations(w.standin.exchanges)).toEqual([]);
  });
});
