/**
 * The stand-in against Drive's own discovery document: its methods are the document's, every
 * parameter it takes is declared there, and every answer it gives fits the declared response,
 * so a stand-in that drifts from Drive fails here, not in production.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, DISCOVERY_URL, discoveryMethod, loadDiscovery } from './standin/discovery.js';
import { accessToken, driveGet, FULL } from './standin/http.js';
import { IDS } from './standin/seed.js';
import { SERVED_METHODS, type Standin, startStandin } from './standin/server.js';

const SHARED = new URL('../../../../shared/contracts/google-drive-v3.discovery.json', import.meta.url);

let standin: Standin;
let token: string;

beforeAll(async () => {
  standin = await startStandin();
  token = await accessToken(standin, undefined, FULL);
});
afterAll(() => standin.close());

describe('the discovery document', () => {
  it("is Drive v3's, revision 20250723", () => {
    const d = loadDiscovery() as unknown as { id: string; revision: string };
    expect([d.id, d.revision]).toEqual(['drive:v3', '20250723']);
  });

  it.skipIf(!existsSync(SHARED))('is the same bytes as the shared contract', () => {
    const sha = (u: URL) => createHash('sha256').update(readFileSync(u)).digest('hex');
    expect(sha(DISCOVERY_URL)).toBe(sha(SHARED));
  });
});

describe('the stand-in', () => {
  it('serves only methods the document has, at their declared verb and path', async () => {
    for (const id of SERVED_METHODS) expect(discoveryMethod(id).id).toBe(id);
    // Reached at the documented path: a Google JSON answer, never the stand-in's bare 404 page.
    const paths: Record<string, [string, string]> = {
      'drive.files.list': ['GET', 'files'],
      'drive.files.get': ['GET', `files/${IDS.notes}`],
      'drive.files.export': ['GET', `files/${IDS.designDoc}/export?mimeType=text/plain`],
      'drive.permissions.list': ['GET', `files/${IDS.notes}/permissions`],
      'drive.drives.list': ['GET', 'drives'],
      'drive.about.get': ['GET', 'about?fields=user'],
    };
    for (const [id, [verb, path]] of Object.entries(paths)) {
      const method = discoveryMethod(id);
      expect(method.httpMethod).toBe(verb);
      const res = await fetch(new URL(`drive/v3/${path}`, standin.url), {
        method: verb,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, id).toBe(200);
      expect(standin.requests.at(-1)!.methodId).toBe(id);
    }
    const unserved = await fetch(new URL(`drive/v3/files/${IDS.notes}/copy`, standin.url), {
      method: 'POST',
    });
    expect(unserved.status).toBe(404);
    expect(unserved.headers.get('content-type')).toContain('text/html');
  });

  it("answers every method's full response (fields=*) within the declared schema", async () => {
    const calls: [string, Record<string, string>][] = [
      [
        'files',
        { fields: '*', corpora: 'allDrives', includeItemsFromAllDrives: 'true', supportsAllDrives: 'true' },
      ],
      [`files/${IDS.designDoc}`, { fields: '*' }],
      [`files/${IDS.video}`, { fields: '*' }],
      [`files/${IDS.runbook}`, { fields: '*', supportsAllDrives: 'true' }],
      [`files/${IDS.designDoc}/permissions`, { fields: '*' }],
      [`files/${IDS.runbook}/permissions`, { fields: '*', supportsAllDrives: 'true' }],
      ['drives', { fields: '*' }],
      ['about', { fields: '*' }],
    ];
    for (const [path, params] of calls) {
      const r = await driveGet(standin, token, path, params);
      expect(r.status, path).toBe(200);
    }
    expect(standin.violations).toEqual([]);
  });

  it('fails a deliberately wrong answer: an undeclared field or a mistyped one', async () => {
    expect(checkResponse('drive.files.list', { files: [{ id: 'a', fileId: 'a' }] })).toEqual([
      '/files/0 must NOT have additional properties: fileId',
    ]);
    expect(checkResponse('drive.files.get', { id: 'a', size: 12 })[0]).toContain('/size must be string');
    expect(checkResponse('drive.drives.list', { drives: [{ id: 'a', name: 'n' }] })).toEqual([]);

    standin.corrupt = (id, body) =>
      id === 'drive.files.list' ? { ...(body as object), nextPage: 'drifted' } : body;
    try {
      const r = await driveGet(standin, token, 'files');
      expect(r.status).toBe(500);
      expect(standin.violations).toEqual([
        'drive.files.list: / must NOT have additional properties: nextPage',
      ]);
    } finally {
      standin.corrupt = undefined;
      standin.violations.length = 0;
    }
  });

  it('takes only declared parameters, with their declared types and ranges', async () => {
    const bad: Record<string, string>[] = [
      { supportsAllDrive: 'true' },
      { supportsAllDrives: 'yes' },
      { pageSize: '0' },
      { pageSize: '1001' },
    ];
    for (const params of bad) {
      const r = await driveGet(standin, token, 'files', params);
      expect(r.status, JSON.stringify(params)).toBe(400);
      expect(r.json.error.errors[0].location).toBe(Object.keys(params)[0]);
    }
    const list = discoveryMethod('drive.files.list').parameters!;
    expect(list.pageSize).toMatchObject({ minimum: '1', maximum: '1000', default: '100' });
  });
});
