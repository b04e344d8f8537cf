import { describe, expect, it } from 'vitest';
import { assignNames, collectOperations, makeSelector, snakeCase } from '../src/index.js';
import type { JsonObject } from '../src/spec/types.js';

function doc(paths: JsonObject): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths };
}

const ok = { responses: { '200': { description: 'ok' } } };

function names(paths: JsonObject): string[] {
  const ops = collectOperations(doc(paths));
  const assigned = assignNames(ops);
  return ops.map((op) => assigned.get(op)!);
}

describe('tool names', () => {
  it('snake_cases operationIds', () => {
    expect(snakeCase('getPetById')).toBe('get_pet_by_id');
    expect(snakeCase('repos/get-content')).toBe('repos_get_content');
    expect(snakeCase('HTTPServerStatus')).toBe('http_server_status');
    expect(snakeCase('list.Users v2')).toBe('list_users_v2');
  });

  it('falls back to method_path, and honours x-mcp-name', () => {
    expect(
      names({
        '/pets/{petId}/photos': { get: ok },
        '/users': { get: { ...ok, operationId: 'listUsers', 'x-mcp-name': 'people.list' } },
        '/x#frag': { get: { ...ok, operationId: '!!!' } },
      }),
    ).toEqual(['get_pets_pet_id_photos', 'people_list', 'get_x']);
  });

  it('keeps names within 64 characters of [A-Za-z0-9_-], cut ones told apart by a hash', () => {
    const long = 'a'.repeat(50);
    const got = names({
      '/one': { get: { ...ok, operationId: `${long}FirstVeryLongOperationName` } },
      '/two': { get: { ...ok, operationId: `${long}FirstVeryLongOperationNameToo` } },
    });
    for (const n of got) expect(n).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(new Set(got).size).toBe(2);
  });

  it('suffixes colliding names with a hash that does not depend on order', () => {
    const a = { '/a': { get: { ...ok, operationId: 'list-items' } } };
    const b = { '/b': { get: { ...ok, operationId: 'listItems' } } };
    const forward = names({ ...a, ...b });
    const backward = names({ ...b, ...a });
    expect(forward[0]).toMatch(/^list_items_[0-9a-f]{6}$/);
    expect(forward[1]).toMatch(/^list_items_[0-9a-f]{6}$/);
    expect(forward[0]).not.toBe(forward[1]);
    expect(backward).toEqual([forward[1], forward[0]]);
    // An explicit x-mcp-name keeps its name; the derived one moves aside.
    const explicit = names({
      '/a': { get: { ...ok, operationId: 'listItems', 'x-mcp-name': 'list_items' } },
      '/b': { get: { ...ok, operationId: 'list_items' } },
    });
    expect(explicit[0]).toBe('list_items');
    expect(explicit[1]).toMatch(/^list_items_[0-9a-f]{6}$/);
  });
});

describe('selection', () => {
  const paths = {
    '/pets': {
      get: { ...ok, operationId: 'listPets', tags: ['pets'] },
      post: { ...ok, operationId: 'createPet', tags: ['pets'] },
    },
    '/pets/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { ...ok, operationId: 'getPet', tags: ['pets'] },
      put: { ...ok, operationId: 'replacePet', tags: ['pets'] },
      delete: { ...ok, operationId: 'deletePet', tags: ['pets'] },
      head: { ...ok, operationId: 'petExists', tags: ['pets'] },
    },
    '/admin/stats': { get: { ...ok, operationId: 'stats', tags: ['admin'] } },
    '/old': { get: { ...ok, operationId: 'old', deprecated: true } },
  };
  const ops = collectOperations(doc(paths));
  const assigned = assignNames(ops);
  const served = (options: Parameters<typeof makeSelector>[0]) => {
    const select = makeSelector(options);
    return ops.filter((op) => select(op, assigned.get(op)!) === undefined).map((op) => op.operationId);
  };

  it('serves only GET and HEAD by default, never deprecated ones', () => {
    expect(served({})).toEqual(['listPets', 'getPet', 'petExists', 'stats']);
    expect(served({ includeDeprecated: true })).toContain('old');
  });

  it('needs writes allowed for POST/PUT, and DELETE named in an allow-list too', () => {
    expect(served({ allowWrites: true })).toEqual([
      'listPets',
      'createPet',
      'getPet',
      'replacePet',
      'petExists',
      'stats',
    ]);
    expect(served({ allowWrites: true, allowDelete: ['deletePet'] })).toContain('deletePet');
    expect(served({ allowWrites: true, allowDelete: ['DELETE /pets/*'] })).toContain('deletePet');
    expect(served({ allowDelete: ['deletePet'] })).not.toContain('deletePet');
  });

  it('filters by tag, path glob, method and operationId', () => {
    expect(served({ include: ['tag:admin'] })).toEqual(['stats']);
    expect(served({ include: ['admin'] })).toEqual(['stats']);
    expect(served({ include: ['/pets/**'] })).toEqual(['getPet', 'petExists']);
    expect(served({ include: ['/pets/*'] })).toEqual(['getPet', 'petExists']);
    expect(served({ include: ['path:/pets'] })).toEqual(['listPets']);
    expect(served({ include: ['HEAD'] })).toEqual(['petExists']);
    expect(served({ include: ['method:get'], exclude: ['id:stats'] })).toEqual(['listPets', 'getPet']);
    expect(served({ include: ['GET /pets/{id}'] })).toEqual(['getPet']);
    expect(served({ exclude: ['tag:pets'] })).toEqual(['stats']);
    expect(served({ include: ['get_pet'] })).toEqual(['getPet']);
  });
});
