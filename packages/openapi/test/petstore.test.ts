import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiCatalog } from '../src/index.js';
import { example, type Prism, startPrism } from './support/prism.js';

const SPEC = example('3.0/json/petstore.json');
let prism: Prism;

beforeAll(async () => {
  prism = await startPrism(SPEC);
});
afterAll(async () => {
  await prism?.stop();
});

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

describe('petstore through Prism', () => {
  it('serves only its GET operations by default, annotated read-only', async () => {
    const catalog = await OpenApiCatalog.load({ spec: SPEC, baseUrl: prism.url, env: {} });
    expect(catalog.mode).toBe('static');
    expect(catalog.entries.map((e) => e.name)).toEqual([
      'find_pets_by_status',
      'get_pet_by_id',
      'get_inventory',
      'get_order_by_id',
      'login_user',
      'logout_user',
      'get_user_by_name',
    ]);
    for (const e of catalog.entries) {
      expect(e.op.method).toBe('get');
      expect(e.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        openWorldHint: true,
      });
    }
    expect(catalog.excluded.write).toBe(12); // 9 POST/PUT and 3 DELETE
    expect(catalog.excluded.deprecated).toBe(1); // findPetsByTags
    expect(catalog.excluded.delete).toBe(0);
  });

  it("without the API key, Prism's 401 is an error naming the variable to set", async () => {
    const catalog = await OpenApiCatalog.load({ spec: SPEC, baseUrl: prism.url, env: {} });
    const result = await catalog.call(catalog.find('get_pet_by_id')!, { petId: 1 });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('API error 401');
    expect(text(result)).toContain('OPENAPI_API_KEY_KEY');
  });

  it('with the API key in the environment, the call goes through and the pet is structured', async () => {
    const key = 'prism-test-key-123';
    const catalog = await OpenApiCatalog.load({
      spec: SPEC,
      baseUrl: prism.url,
      env: { OPENAPI_API_KEY_KEY: key },
    });
    const entry = catalog.find('get_pet_by_id')!;
    const result = await catalog.call(entry, { petId: 1 });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({
      name: expect.any(String),
      photoUrls: expect.any(Array),
    });
    // The key is never an argument: not in any input schema.
    for (const e of catalog.entries) expect(JSON.stringify(catalog.input(e).schema)).not.toContain('api_key');
    expect(text(result)).not.toContain(key);
  });

  it('an OAuth2 access token from the environment reaches Prism as a bearer token', async () => {
    const catalog = await OpenApiCatalog.load({
      spec: SPEC,
      baseUrl: prism.url,
      env: { OPENAPI_PETSTORE_AUTH_TOKEN: 'token-abc' },
    });
    const result = await catalog.call(catalog.find('find_pets_by_status')!, { status: ['available'] });
    expect(result.isError).toBeUndefined();
    expect(Array.isArray(result.structuredContent?.items)).toBe(true);
  });

  it('a wrong argument type is refused before any request is sent', async () => {
    const catalog = await OpenApiCatalog.load({
      spec: SPEC,
      baseUrl: prism.url,
      env: { OPENAPI_API_KEY_KEY: 'k' },
    });
    const before = prism.received();
    const result = await catalog.call(catalog.find('get_pet_by_id')!, { petId: 'not-a-number' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('petId: must be integer');
    expect(text(result)).toContain('nothing was sent');
    const enumResult = await catalog.call(catalog.find('find_pets_by_status')!, { status: ['bogus'] });
    expect(text(enumResult)).toContain('status.0: must be equal to one of the allowed values');
    const unknown = await catalog.call(catalog.find('get_pet_by_id')!, { petId: 1, extra: true });
    expect(text(unknown)).toContain('unknown argument "extra"');
    // A request that went out would be logged by Prism; check with one that does go out.
    await catalog.call(catalog.find('get_pet_by_id')!, { petId: 2 });
    expect(prism.received()).toBe(before + 1);
  });

  it("with writes allowed, a POST goes through Prism; Prism's 4xx is an error with its status", async () => {
    const catalog = await OpenApiCatalog.load({
      spec: SPEC,
      baseUrl: prism.url,
      allowWrites: true,
      env: { OPENAPI_PETSTORE_AUTH_TOKEN: 't' },
    });
    const add = catalog.find('add_pet')!;
    expect(add.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(catalog.find('update_pet')!.annotations).toMatchObject({
      idempotentHint: true,
      destructiveHint: false,
    });
    expect(catalog.find('delete_pet')).toBeUndefined();
    const order = await catalog.call(catalog.find('place_order')!, {
      petId: 7,
      quantity: 2,
      status: 'placed',
    });
    expect(order.isError).toBeUndefined();
    expect(order.structuredContent).toMatchObject({ id: expect.any(Number) });
    // addPet declares only a 405 answer, so Prism gives that: an error result with the status.
    const added = await catalog.call(add, { name: 'rex', photoUrls: ['https://example.com/rex.png'] });
    expect(added.isError).toBe(true);
    expect(text(added)).toContain('API error 405');
    // Prism checks the body; an unauthenticated POST (no token) is refused upstream with 401.
    const anonymous = await OpenApiCatalog.load({
      spec: SPEC,
      baseUrl: prism.url,
      allowWrites: true,
      env: {},
    });
    const refused = await anonymous.call(anonymous.find('add_pet')!, { name: 'rex', photoUrls: [] });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('API error 401');
    expect(text(refused)).toContain('OPENAPI_PETSTORE_AUTH_TOKEN');
  });
});
