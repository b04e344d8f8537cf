/**
 * The Drive server as a user runs it (declaration, env, write policy), through the in-memory
 * MCP client in both protocol eras, against the stand-in.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkToolSnapshots, ERAS, type TestClient } from '@mcpkit/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GoogleError } from './standin/errors.js';
import { ADA, BOB, bigText, DESIGN_MARKDOWN, IDS, QUOTED_NAME } from './standin/seed.js';
import { type Standin, startStandin } from './standin/server.js';
import { call, gdriveClient, gdriveModule, READ_TOOLS, toolNames } from './support/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WRITE_TOOLS = ['create_text_file', 'update_text_file'];

let standin: Standin;
let dir: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  standin = await startStandin();
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpkit-gdrive-server-'));
});
afterAll(async () => {
  expect(standin.violations).toEqual([]);
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function client(setup: Parameters<typeof gdriveClient>[2] = {}) {
  const c = await gdriveClient(standin, dir, setup);
  clients.push(c);
  return c;
}

describe('tools follow the configuration', () => {
  it('snapshots every tool schema', async () => {
    const c = await client({ options: { allowWrites: true, allowSharing: true } });
    const tools = (await c.listTools()).tools;
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS, 'share_file'].sort());
    checkToolSnapshots(tools, path.join(here, '__toolsnaps__'));
  });

  it('lists no write tool without --allow-writes, and share_file only with --allow-sharing too', async () => {
    expect(await toolNames(await client())).toEqual(READ_TOOLS);
    expect(await toolNames(await client({ options: { allowSharing: true } }))).toEqual(READ_TOOLS);
    expect(await toolNames(await client({ options: { allowWrites: true } }))).toEqual(
      [...READ_TOOLS, ...WRITE_TOOLS].sort(),
    );
    const readOnly = await client({ options: { allowWrites: true, allowSharing: true, readOnly: true } });
    expect(await toolNames(readOnly)).toEqual(READ_TOOLS);
  });

  it('starts and lists tools with Google unreachable, and says so on a call', async () => {
    const from = standin.requests.length;
    const offline = await client({
      env: { GDRIVE_ROOT_URL: 'http://127.0.0.1:9/', GDRIVE_TOKEN_URL: 'http://127.0.0.1:9/token' },
    });
    expect(await toolNames(offline)).toEqual(READ_TOOLS);
    expect(standin.requests.length).toBe(from);
    const r = await call(offline, 'search', { query: 'x' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/token endpoint could not be reached/);
  });

  it('refuses to start without a client id and secret, and names bad options', async () => {
    await expect(
      gdriveModule(standin, dir, { env: { GDRIVE_CLIENT_SECRET: '', GDRIVE_CLIENT_ID: '' } }),
    ).rejects.toThrow(/GDRIVE_CLIENT_ID and GDRIVE_CLIENT_SECRET/);
    await expect(gdriveModule(standin, dir, { options: { writeScope: 'everything' } })).rejects.toThrow(
      /--write-scope/,
    );
  });
});

describe.each(ERAS)('%s era', (era) => {
  it('search finds files everywhere, shared drives included, always with ids', async () => {
    const c = await client({ era });
    const r = await call(c, 'search', { query: 'kickoff' });
    expect(r.isError).toBe(false);
    const ids = r.structured.files.map((f: { id: string }) => f.id).sort();
    expect(ids).toEqual([IDS.launch, IDS.notes].sort());
    for (const id of ids) expect(r.text).toContain(`id: ${id}`);
    const launch = r.structured.files.find((f: { id: string }) => f.id === IDS.launch);
    expect(launch).toMatchObject({
      drive_id: IDS.mktDrive,
      kind: 'Google Doc',
      web_view_link: expect.any(String),
    });
    const docs = await call(c, 'search', { types: ['document'], folder_id: IDS.projects });
    expect(docs.structured.files.map((f: { name: string }) => f.name)).toEqual(['Design notes']);
  });

  it('search sends a quote and a backslash as literals, and checks raw queries first', async () => {
    const c = await client({ era });
    const r = await call(c, 'search', { query: QUOTED_NAME });
    expect(r.structured.files.map((f: { id: string }) => f.id)).toEqual([IDS.quoted]);
    expect(standin.requests.at(-1)!.literals).toEqual([QUOTED_NAME]);
    const from = standin.requests.length;
    const bad = await call(c, 'search', { q: "name contains 'O'Brien'" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(
      /q is not a valid Drive query: the string starting at character 23 is not closed/,
    );
    expect(standin.requests.length).toBe(from); // refused before Drive saw it
    const raw = await call(c, 'search', { q: `'${IDS.projects}' in parents and name contains 'budget'` });
    expect(raw.structured.files.map((f: { id: string }) => f.id)).toEqual([IDS.budgetSheet]);
  });

  it('list_folder pages 1,000 files 100 at a time, each once, and refuses a foreign cursor', async () => {
    const c = await client({ era });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(c, 'list_folder', {
        folder_id: IDS.thousand,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      expect(r.isError).toBe(false);
      seen.push(...r.structured.files.map((f: { id: string }) => f.id));
      cursor = r.structured.next_cursor;
      if (cursor) expect(r.text).toContain(`cursor="${cursor}"`);
    } while (cursor);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    const first = await call(c, 'list_folder', { folder_id: IDS.thousand, limit: 100 });
    const foreign = await call(c, 'list_folder', {
      folder_id: IDS.projects,
      limit: 100,
      cursor: first.structured.next_cursor,
    });
    expect(foreign.isError).toBe(true);
    expect(foreign.text).toMatch(/Invalid cursor/);
    const drive = await call(c, 'list_folder', { folder_id: IDS.engDrive });
    expect(drive.structured.files.map((f: { name: string }) => f.name)).toEqual([
      'Specs',
      'oncall.md',
      'Runbook',
    ]);
  });

  it('get_file shows metadata, export formats and what read_file gives', async () => {
    const c = await client({ era });
    const doc = await call(c, 'get_file', {
      file_id: `https://docs.google.com/document/d/${IDS.designDoc}/edit`,
    });
    expect(doc.structured).toMatchObject({
      id: IDS.designDoc,
      owners: [ADA],
      description: 'How the gateway is built',
      read_formats: ['markdown', 'text', 'html'],
      can_edit: true,
    });
    expect(doc.structured.export_formats).toContain('text/markdown');
    const video = await call(c, 'get_file', { file_id: IDS.video });
    expect(video.structured).toMatchObject({
      size: 50 * 1024 * 1024,
      read_formats: [],
      download_link: expect.any(String),
    });
    const missing = await call(c, 'get_file', { file_id: 'nope-123' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(
      /Google Drive API error 404: File not found: nope-123\. \(notFound\); check the id/,
    );
  });

  it('read_file: a Doc as Markdown, a Sheet as CSV (saying first sheet only)', async () => {
    const c = await client({ era });
    const doc = await call(c, 'read_file', { file_id: IDS.designDoc });
    expect(doc.isError).toBe(false);
    expect(doc.text.startsWith(DESIGN_MARKDOWN)).toBe(true);
    expect(doc.structured).toMatchObject({
      format: 'markdown',
      offset: 0,
      total_bytes: DESIGN_MARKDOWN.length,
    });
    const sheet = await call(c, 'read_file', { file_id: IDS.budgetSheet });
    expect(sheet.text).toContain('Item,Amount,Note');
    expect(sheet.text).toMatch(/Only the first sheet/);
    expect(sheet.structured.format).toBe('csv');
    const viaShortcut = await call(c, 'read_file', { file_id: IDS.shortcut });
    expect(viaShortcut.text.startsWith(DESIGN_MARKDOWN)).toBe(true);
    expect(viaShortcut.structured.file.id).toBe(IDS.designDoc);
    const shortcut = await call(c, 'get_file', { file_id: IDS.shortcut });
    expect(shortcut.structured).toMatchObject({ kind: 'shortcut', shortcut_target_id: IDS.designDoc });
  });

  it('read_file reads a 1 MB file to the end, window by window, byte for byte', async () => {
    const c = await client({ era });
    const parts: Buffer[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const raw = await c.callTool({ name: 'read_file', arguments: { file_id: IDS.big, offset } });
      const blocks = raw.content as { type: string; text: string }[];
      parts.push(Buffer.from(blocks[0]!.text));
      const s = raw.structuredContent as { next_offset?: number };
      if (s.next_offset !== undefined) expect(blocks[1]!.text).toContain(`offset=${s.next_offset}`);
      offset = s.next_offset;
    }
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(Buffer.concat(parts))).toBe(sha(bigText()));
  });

  it('read_file never sends the 50 MB binary, base64 or otherwise', async () => {
    const c = await client({ era });
    const from = standin.requests.length;
    const r = await call(c, 'read_file', { file_id: IDS.video });
    expect(r.isError).toBe(false);
    expect(r.text).toMatch(/binary file \(application\/octet-stream\)/);
    expect(r.text).toMatch(/https:\/\/drive\.google\.com\/file\/d\/bin-video/);
    expect(r.raw.length).toBeLessThan(2_000);
    expect(r.raw).not.toMatch(/[A-Za-z0-9+/]{200,}/);
    expect(standin.requests.slice(from).some((q) => q.query.alt === 'media')).toBe(false);
    const folder = await call(c, 'read_file', { file_id: IDS.projects });
    expect(folder.text).toMatch(/is not read as text: it is a folder\.\nList it with list_folder\./);
    const huge = await call(c, 'read_file', { file_id: IDS.hugeDoc });
    expect(huge.isError).toBe(true);
    expect(huge.text).toMatch(/export API stops at 10 MB/);
  });

  it('list_permissions and list_shared_drives', async () => {
    const c = await client({ era });
    const perms = await call(c, 'list_permissions', { file_id: IDS.designDoc });
    expect(perms.structured.permissions).toHaveLength(4);
    expect(perms.text).toContain('reader · anyone with the link');
    expect(perms.text).toContain(`writer · user ${BOB}`);
    const inherited = await call(c, 'list_permissions', { file_id: IDS.runbook });
    expect(inherited.text).toContain(`(from shared drive ${IDS.engDrive})`);
    const drives = await call(c, 'list_shared_drives', { limit: 1 });
    expect(drives.structured.drives).toEqual([
      { id: IDS.engDrive, name: 'Engineering', created_time: expect.any(String), can_add_files: true },
    ]);
    const next = await call(c, 'list_shared_drives', { limit: 1, cursor: drives.structured.next_cursor });
    expect(next.structured.drives.map((d: { name: string }) => d.name)).toEqual(['Marketing']);
    expect(next.structured.next_cursor).toBeUndefined();
  });

  it('serves files as gdrive:/// resources, read the same way', async () => {
    const c = await client({ era });
    const doc = await c.readResource({ uri: `gdrive:///${IDS.designDoc}` });
    expect(doc.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: DESIGN_MARKDOWN });
    const big = await c.readResource({ uri: `gdrive:///${IDS.big}` });
    expect(big.contents[1]!.uri).toMatch(new RegExp(`^gdrive:///${IDS.big}\\?offset=\\d+$`));
    const next = await c.readResource({ uri: big.contents[1]!.uri });
    const joined = Buffer.concat(
      [big, next].map((r) => Buffer.from((r.contents[0] as { text: string }).text)),
    );
    expect(joined.equals(bigText().subarray(0, joined.length))).toBe(true);
    const video = await c.readResource({ uri: `gdrive:///${IDS.video}` });
    expect(video.contents).toHaveLength(1);
    expect(JSON.stringify(video)).not.toContain('blob');
    const from = standin.requests.length;
    const list = await c.listResources();
    expect(list.resources.every((r) => r.uri.startsWith('gdrive:///'))).toBe(true);
    expect(new Set(list.resources.map((r) => r.uri)).size).toBe(list.resources.length);
    // Listed a page of 50 at a time (the client follows the cursors).
    const pages = standin.requests.slice(from).filter((q) => q.methodId === 'drive.files.list');
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(p.query.pageSize).toBe('50');
  });

  it('writes text files only with --allow-writes, and shares only with --allow-sharing', async () => {
    const c = await client({ era, options: { allowWrites: true, allowSharing: true } });
    const created = await call(c, 'create_text_file', {
      name: `${era}.md`,
      content: '# hi\n',
      mime_type: 'text/markdown',
    });
    expect(created.isError).toBe(false);
    const id = created.structured.file.id;
    const stored = standin.world.files.get(id)!;
    expect(stored).toMatchObject({ name: `${era}.md`, mimeType: 'text/markdown', owner: ADA });
    expect(stored.content.kind === 'bytes' && stored.content.data.toString()).toBe('# hi\n');
    const updated = await call(c, 'update_text_file', { file_id: id, content: 'naïve ✓\n' });
    expect(updated.isError).toBe(false);
    const after = standin.world.files.get(id)!;
    expect(after.content.kind === 'bytes' && after.content.data.toString()).toBe('naïve ✓\n');
    const stale = await call(c, 'update_text_file', {
      file_id: id,
      content: 'x',
      expected_modified_time: '2020-01-01T00:00:00Z',
    });
    expect(stale.isError).toBe(true);
    const onDoc = await call(c, 'update_text_file', { file_id: IDS.designDoc, content: 'x' });
    expect(onDoc.isError).toBe(true);
    expect(onDoc.text).toMatch(/only replaces stored text files/);
    const shared = await call(c, 'share_file', { file_id: id, type: 'user', role: 'reader', email: BOB });
    expect(shared.isError).toBe(false);
    expect(after.permissions.some((p) => p.emailAddress === BOB && p.role === 'reader')).toBe(true);
    const sentNotify = standin.requests.filter((q) => q.methodId === 'drive.permissions.create').at(-1)!;
    expect(sentNotify.query.sendNotificationEmail).toBe('true');
  });

  it('with drive.file, changes only files it created; --write-scope full changes any file', async () => {
    const c = await client({ era, options: { allowWrites: true } });
    const denied = await call(c, 'update_text_file', { file_id: IDS.config, content: '{}\n' });
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/403: .*\(appNotAuthorizedToFile\); with --write-scope file/);
    const { SCOPES } = await import('../src/auth/settings.js');
    const full = await client({
      era,
      options: { allowWrites: true, writeScope: 'full' },
      scopes: [SCOPES.full],
    });
    const ok = await call(full, 'update_text_file', { file_id: IDS.config, content: `{"era": "${era}"}\n` });
    expect(ok.isError).toBe(false);
    const stored = standin.world.files.get(IDS.config)!.content;
    expect(stored.kind === 'bytes' && stored.data.toString()).toBe(`{"era": "${era}"}\n`);
  });

  it('a read-only grant cannot write: the error says to re-authenticate with writes on', async () => {
    const { SCOPES } = await import('../src/auth/settings.js');
    const c = await client({ era, options: { allowWrites: true }, scopes: [SCOPES.readonly] });
    const r = await call(c, 'create_text_file', { name: 'x.txt', content: 'x' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/403.*insufficientPermissions.*`mcpkit auth gdrive`/);
  });

  it('refreshes once with the clock two hours on, and reports a revoked grant with the re-auth hint', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = await client({ era });
    await call(c, 'list_shared_drives');
    const grants = standin.auth.grants.refresh_token;
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    expect((await call(c, 'list_shared_drives')).isError).toBe(false);
    expect(standin.auth.grants.refresh_token).toBe(grants + 1);
    for (const rt of standin.auth.refreshTokens.values()) rt.revoked = true;
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const r = await call(c, 'list_shared_drives');
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(
      /revoked or has expired \(invalid_grant\); re-authenticate with `mcpkit auth gdrive`/,
    );
    expect(r.text).not.toMatch(/1\/\/rt-/);
    for (const rt of standin.auth.refreshTokens.values()) rt.revoked = false;
  });

  it('reports a rate limit with when to retry', async () => {
    const c = await client({ era });
    standin.failNext(
      'drive.drives.list',
      new GoogleError(
        403,
        { reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' },
        { 'retry-after': '30' },
      ),
    );
    const r = await call(c, 'list_shared_drives');
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/rate limited: retry after 30 s/);
  });
});
