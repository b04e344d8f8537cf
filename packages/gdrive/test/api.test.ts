/**
 * The API layer against the stand-in: shared drives by default, paging, literal escaping, raw
 * query checks, and read_file's engine (windows, conversions, binaries, export limit).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveApi } from '../src/api/drive-api.js';
import { DriveApiError } from '../src/api/errors.js';
import { htmlToMarkdown } from '../src/api/html-markdown.js';
import { buildQuery, checkQuery, literal } from '../src/api/query.js';
import { FileReader, type FileWindow } from '../src/api/read.js';
import { GoogleError } from './standin/errors.js';
import {
  BUDGET_SHEETS,
  bigText,
  DESIGN_MARKDOWN,
  IDS,
  QUOTED_NAME,
  REVIEW_SLIDES,
  videoChunk,
} from './standin/seed.js';
import { makeWorld, type TestWorld, wire } from './support/world.js';

let w: TestWorld;
let api: DriveApi;
let reader: FileReader;
beforeAll(async () => {
  w = await makeWorld();
  api = w.client().api;
  reader = new FileReader(api);
});
afterAll(async () => {
  expect(w.standin.violations).toEqual([]);
  await w.close();
});

const KIB64 = 64 * 1024;

describe('listing and search', () => {
  it('finds shared-drive files by default and always returns ids, owners and links', async () => {
    const page = await api.listFiles({ q: buildQuery({ text: 'kickoff' }), pageSize: 10 });
    const byName = Object.fromEntries(page.items.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['Launch plan', 'notes.txt']);
    expect(byName['Launch plan']).toMatchObject({
      id: IDS.launch,
      driveId: IDS.mktDrive,
      webViewLink: expect.any(String),
    });
    expect(byName['notes.txt']).toMatchObject({
      id: IDS.notes,
      owners: [{ emailAddress: 'ada@example.com', displayName: 'Ada Lovelace' }],
      modifiedTime: expect.any(String),
      size: expect.any(String),
    });
  });

  it('pages 1,000 files 100 at a time, each once', async () => {
    const q = buildQuery({ folderId: IDS.thousand });
    const ids: string[] = [];
    let pageToken: string | undefined;
    const from = w.standin.requests.length;
    do {
      const page = await api.listFiles({ q, pageSize: 100, pageToken });
      ids.push(...page.items.map((f) => f.id!));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(wire(w.standin, from)).toEqual(Array(10).fill('drive.files.list 200'));
  });

  it('sends a quote and a backslash in search text to the parser as literals', async () => {
    expect(literal("O'Brien \\ x")).toBe("'O\\'Brien \\\\ x'");
    const page = await api.listFiles({ q: buildQuery({ text: QUOTED_NAME }), pageSize: 10 });
    expect(page.items.map((f) => f.id)).toEqual([IDS.quoted]);
    expect(w.standin.requests.at(-1)!.literals).toEqual([QUOTED_NAME]);
    const byName = await api.listFiles({
      q: buildQuery({ nameContains: "n' or name contains '" }),
      pageSize: 10,
    });
    expect(byName.items).toEqual([]); // an injection attempt is just an unmatched name
  });

  it('checks a raw query before Drive sees it, pointing at the problem', () => {
    expect(
      checkQuery(`'${IDS.projects}' in parents and (name contains 'a' or not starred = true)`),
    ).toBeUndefined();
    expect(checkQuery("modifiedTime > '2026-01-01T00:00:00' and trashed = false")).toBeUndefined();
    expect(checkQuery("name contains 'open")).toMatch(/not closed/);
    expect(checkQuery("title contains 'x'")).toMatch(/'title' is not a searchable field/);
    expect(checkQuery("name > 'x'")).toMatch(/name takes contains = !=/);
    expect(checkQuery("modifiedTime > 'yesterday'")).toMatch(/RFC 3339/);
    expect(checkQuery("name = 'a' name = 'b'")).toMatch(/expected 'and', 'or'/);
    expect(checkQuery("name = 'a\\b'")).toMatch(/backslash/);
  });

  it('retries a 500 from Drive once, briefly, and gets the answer', async () => {
    w.standin.failNext(
      'drive.files.get',
      new GoogleError(500, { reason: 'backendError', message: 'Backend Error' }),
    );
    const from = w.standin.requests.length;
    const f = await api.getFile(IDS.notes);
    expect(f.name).toBe('notes.txt');
    expect(wire(w.standin, from)).toEqual(['drive.files.get 500', 'drive.files.get 200']);
  });

  it('reads Google errors from binary responses too (a Doc asked for as media)', async () => {
    const err = await api.download(IDS.designDoc, 0, 10).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, reason: 'fileNotDownloadable' });
  });

  it('pages on when Drive returns fewer files than asked', async () => {
    const capped = await makeWorld({ pageSizeCap: 37 });
    try {
      const { api: capi } = capped.client();
      const ids = new Set<string>();
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await capi.listFiles({
          q: buildQuery({ folderId: IDS.thousand }),
          pageSize: 100,
          pageToken,
        });
        expect(page.items.length).toBeLessThanOrEqual(37);
        for (const f of page.items) ids.add(f.id!);
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken);
      expect(ids.size).toBe(1000);
      expect(pages).toBe(Math.ceil(1000 / 37));
    } finally {
      await capped.close();
    }
  });

  it('reports a rate limit with when to retry', async () => {
    w.standin.failNext(
      'drive.files.list',
      new GoogleError(
        429,
        { reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
        { 'retry-after': '7' },
      ),
    );
    const err = await api.listFiles({ pageSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveApiError);
    expect(err).toMatchObject({
      status: 429,
      reason: 'rateLimitExceeded',
      retryAfterSeconds: 7,
      rateLimited: true,
    });
  });
});

describe('reading files', () => {
  const window = async (id: string, offset = 0, format?: Parameters<FileReader['read']>[1]['format']) => {
    const r = await reader.read(id, { offset, maxBytes: KIB64, format });
    if (r.kind !== 'text') throw new Error(`expected text, got: ${r.reason}`);
    return r;
  };

  it('reads a 1 MB text file window by window, byte for byte, by ranges of at most 64 KiB', async () => {
    const from = w.standin.requests.length;
    const parts: Buffer[] = [];
    let offset: number | undefined = 0;
    let windows = 0;
    while (offset !== undefined) {
      const r: FileWindow = await window(IDS.big, offset);
      expect(r.offset).toBe(offset);
      expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(KIB64);
      parts.push(Buffer.from(r.text));
      offset = r.nextOffset;
      windows++;
    }
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(Buffer.concat(parts))).toBe(sha(bigText()));
    expect(windows).toBe(Math.ceil(bigText().length / KIB64) + 0);
    const downloads = w.standin.requests.slice(from).filter((r) => r.query.alt === 'media');
    expect(downloads).toHaveLength(windows);
    for (const d of downloads) {
      const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(d.range ?? '')!;
      expect(Number(b) - Number(a) + 1).toBeLessThanOrEqual(KIB64 + 4); // the window plus a character's overlap
    }
  });

  it('reads the right window when a server ignores Range, without holding the file', async () => {
    const whole = await makeWorld({ ignoreRange: true });
    try {
      const r = await new FileReader(whole.client().api).read(IDS.big, { offset: 70_000, maxBytes: 4096 });
      expect(r.kind).toBe('text');
      if (r.kind !== 'text') return;
      expect(Buffer.from(r.text).equals(bigText().subarray(r.offset, r.nextOffset))).toBe(true);
      expect(r.offset).toBeGreaterThanOrEqual(70_000 - 3);
      const video = await whole.client().api.download(IDS.video, 0, 100);
      expect(video.equals(videoChunk(0, 100))).toBe(true);
    } finally {
      await whole.close();
    }
  });

  it('reads a Doc as Markdown, a Sheet as CSV (first sheet, said) and Slides as text', async () => {
    const doc = await window(IDS.designDoc);
    expect(doc).toMatchObject({ format: 'markdown', text: DESIGN_MARKDOWN, source: 'export' });
    expect(doc.nextOffset).toBeUndefined();
    const sheet = await window(IDS.budgetSheet);
    expect(sheet.format).toBe('csv');
    expect(sheet.text.split('\r\n')[0]).toBe('Item,Amount,Note');
    expect(sheet.text).not.toContain(BUDGET_SHEETS[1]!.rows[0]![0]);
    expect(sheet.note).toMatch(/first sheet/);
    const slides = await window(IDS.reviewSlides);
    expect(slides.text).toContain(REVIEW_SLIDES[1]![2]);
    const plain = await window(IDS.designDoc, 0, 'text');
    expect(plain.text.startsWith('Design notes')).toBe(true); // the export's byte-order mark is dropped
  });

  it('exports a Doc once and windows it from the cache', async () => {
    const small = await reader.read(IDS.runbook, { offset: 0, maxBytes: 1024 });
    const from = w.standin.requests.length;
    const next = await reader.read(IDS.runbook, { offset: 10, maxBytes: 1024 });
    expect(small.kind === 'text' && next.kind === 'text' && next.text === small.text.slice(10)).toBe(true);
    expect(wire(w.standin, from)).toEqual(['drive.files.get 200']);
  });

  it('never sends a binary: the 50 MB file and the PDF give metadata and why', async () => {
    const from = w.standin.requests.length;
    for (const id of [IDS.video, IDS.report]) {
      const r = await reader.read(id, { offset: 0, maxBytes: KIB64 });
      expect(r.kind).toBe('none');
      if (r.kind === 'none') {
        expect(r.reason).toMatch(/binary/);
        expect(r.file.webViewLink).toMatch(/^https:/);
      }
    }
    expect(w.standin.requests.slice(from).some((r) => r.query.alt === 'media')).toBe(false);
  });

  it('turns the 10 MB export limit into a clear error', async () => {
    const err = await reader.read(IDS.hugeDoc, { offset: 0, maxBytes: KIB64 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveApiError);
    expect((err as Error).message).toMatch(/stops at 10 MB/);
  });

  it('says a folder is a folder and reads shared-drive JSON as text', async () => {
    const folder = await reader.read(IDS.specs, { offset: 0, maxBytes: KIB64 });
    expect(folder.kind === 'none' && folder.reason).toBe('it is a folder');
    expect((await window(IDS.apiSpec)).text).toBe('{"openapi": "3.1.0"}\n');
  });
});

describe('Docs without a Markdown export', () => {
  it("converts Drive's HTML export to Markdown", async () => {
    const old = await makeWorld({ markdownExport: false });
    try {
      const r = await new FileReader(old.client().api).read(IDS.designDoc, { offset: 0, maxBytes: KIB64 });
      expect(r.kind).toBe('text');
      if (r.kind !== 'text') return;
      expect(r.note).toMatch(/HTML/);
      expect(r.text).toContain('# Design notes');
      expect(r.text).toContain('The **gateway** keeps one connection per upstream.');
      expect(r.text).toContain('- Bounded output');
      expect(r.text).toContain('| core | Ada |');
      expect(r.text).toContain('[the spec](https://example.com/spec)');
      expect(old.standin.requests.find((q) => q.methodId === 'drive.files.export')?.query.mimeType).toBe(
        'text/html',
      );
    } finally {
      await old.close();
    }
  });

  it('handles nested lists, entities, Google-wrapped links and inline images', () => {
    const html =
      '<body><ol><li>one &amp; only</li><li>two<ul><li>inner</li></ul></li></ol>' +
      '<p><a href="https://www.google.com/url?q=https://x.test/a&amp;sa=D">x</a> <img src="data:image/png;base64,AAAA" alt="logo"></p></body>';
    const md = htmlToMarkdown(html);
    expect(md).toContain('1. one & only');
    expect(md).toContain('  - inner');
    expect(md).toContain('[x](https://x.test/a)');
    expect(md).toContain('[image: logo]');
    expect(md).not.toContain('base64');
  });
});
