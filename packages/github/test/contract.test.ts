import { describe, expect, it } from 'vitest';
import { contract } from './support/harness.js';

// The slim spec and the validator built from it: the rewrites that keep validation on.

describe('contract', () => {
  it('records its source and keeps no OAS 3.0 `nullable` (validators skip those nodes)', () => {
    expect(contract.spec.info['x-slim'].source).toBe('@octokit/openapi@23.0.2');
    expect(JSON.stringify(contract.spec)).not.toMatch(/"nullable":/);
    expect(JSON.stringify(contract.spec)).not.toMatch(/x-webhooks|#\/components\/examples/);
  });

  it('validates request bodies through rewritten nullable nodes (issues/create milestone)', () => {
    const post = (requestBody: unknown) =>
      contract.checkRequest({ method: 'POST', url: '/repos/a/b/issues', requestBody });
    expect(post({ title: 't', milestone: null })).toEqual([]);
    expect(post({ title: 't', milestone: 3 })).toEqual([]);
    expect(post({ title: 't', milestone: { a: 1 } }).join('\n')).toMatch(/milestone/);
    expect(post({ body: 'no title' }).join('\n')).toMatch(/must have required property 'title'/);
  });

  it('refuses an unknown endpoint, an undeclared query parameter and a bad enum value', () => {
    expect(contract.checkRequest({ method: 'GET', url: '/repos/a/b/wiki' })).toEqual([
      "GET /repos/a/b/wiki: no such operation in GitHub's API description",
    ]);
    expect(contract.checkRequest({ method: 'GET', url: '/repos/a/b/pulls?state=merged&foo=1' })).toEqual([
      expect.stringMatching(/query parameter "state"="merged" .* allowed values/),
      'GET /repos/a/b/pulls: query parameter "foo" is not declared',
    ]);
  });

  it('matches multi-segment parameters and prefers the most specific path', () => {
    expect(contract.match('GET', '/repos/a/b/contents/src/x%20y.ts')?.params).toEqual({
      owner: 'a',
      repo: 'b',
      path: 'src/x y.ts',
    });
    expect(contract.match('GET', '/repos/a/b/commits/feature%2Fx/status')?.operation.template).toBe(
      '/repos/{owner}/{repo}/commits/{ref}/status',
    );
    expect(contract.match('GET', '/repos/a/b/branches/feature/x')?.params.branch).toBe('feature/x');
  });
});
