import { describe, expect, it } from 'vitest';
import { normalizeApiUrl } from '../src/api/client.js';
import { checkPath, checkRef, pathSegs, repoPath } from '../src/api/paths.js';
import { sanitizeText } from '../src/api/sanitize.js';
import { apiUrlForHost } from '../src/server.js';
import { selectedNames, TOOLSETS } from '../src/toolsets.js';

describe('sanitizeText', () => {
  it('strips zero-width, bidi-control, tag and other invisible characters; keeps visible text', () => {
    const hidden =
      'a\u200bb\u200c\u200d\u2060c\ufeff \u202eevil\u202c \u2066x\u2069 \u{E0041}\u{E0042}\u{E007F} \u00ad';
    expect(sanitizeText(hidden)).toBe('abc evil x  ');
    expect(sanitizeText('naïve café — 日本語 😀 tab\tnew\nline\r\n')).toBe(
      'naïve café — 日本語 😀 tab\tnew\nline\r\n',
    );
    expect(sanitizeText(null)).toBeNull();
  });
});

describe('paths', () => {
  it('encodes each segment and refuses dot segments', () => {
    expect(repoPath('octo', 'hello.js')).toBe('/repos/octo/hello.js');
    expect(pathSegs(checkPath('/a b/c#d?e%f/')).toString()).toBe('a%20b/c%23d%3Fe%25f');
    for (const bad of ['..', 'a/../b', 'a//b', './x', 'a/.'])
      expect(() => checkPath(bad)).toThrow(/Invalid path/);
    for (const ok of ['main', 'feature/x-1', 'v1.2.3', 'a'.repeat(40)]) expect(checkRef(ok)).toBe(ok);
    for (const bad of ['a..b', 'a b', 'x~1', 'x^', 'a:b', '/x', 'x/', 'x.lock', '.x', 'a/.b']) {
      expect(() => checkRef(bad)).toThrow(/Invalid ref/);
    }
  });

  it('derives the API root from a GITHUB_HOST value', () => {
    expect(apiUrlForHost('https://github.com')).toBe('https://api.github.com');
    expect(apiUrlForHost('https://octo.ghe.com')).toBe('https://api.octo.ghe.com');
    expect(apiUrlForHost('https://ghe.example.com/')).toBe('https://ghe.example.com/api/v3');
    expect(apiUrlForHost(undefined)).toBeUndefined();
  });

  it('normalises the API URL and refuses what cannot be one', () => {
    expect(normalizeApiUrl(undefined)).toBe('https://api.github.com');
    expect(normalizeApiUrl('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/v3');
    expect(() => normalizeApiUrl('ftp://x')).toThrow(/Invalid GitHub API URL/);
    expect(() => normalizeApiUrl('https://user:pw@x')).toThrow(/Invalid GitHub API URL/);
  });
});

describe('toolsets', () => {
  it('serves every toolset by default, only --tools when given alone, and drops --exclude-tools', () => {
    expect(selectedNames({}).size).toBe(Object.values(TOOLSETS).flat().length);
    expect([...selectedNames({ tools: ['issue_write'] })].sort()).toEqual(['create_issue', 'update_issue']);
    expect(
      selectedNames({ toolsets: ['all'], excludeTools: ['pull_request_read'] }).has('get_pull_request'),
    ).toBe(false);
  });
});
