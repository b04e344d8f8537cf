import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpenApiCatalog, type OperationEntry } from '../src/index.js';
import { assertValidSchema, strictAjv } from './support/ajv.js';
import { example } from './support/prism.js';

const EXAMPLE_SPEC = new URL('../../../examples/openapi/jsonplaceholder.yaml', import.meta.url).pathname;
const DIRS = ['2.0/json', '3.0/json', '3.1/json'];
const SPECS = DIRS.flatMap((d) =>
  readdirSync(example(d))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${d}/${f}`),
);

/** Keywords of OpenAPI's schema dialect (or examples) left in a schema, by where they are. */
function openApiOnlyKeywords(schema: unknown, at = '#'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (/^(examples?|discriminator|xml|nullable|externalDocs)$|^x-/.test(key)) found.push(`${at}/${key}`);
    if (['properties', 'patternProperties', '$defs', 'dependentSchemas'].includes(key)) {
      for (const [name, sub] of Object.entries(value as object))
        found.push(...openApiOnlyKeywords(sub, `${at}/${key}/${name}`));
    } else if (Array.isArray(value) && ['allOf', 'anyOf', 'oneOf', 'prefixItems'].includes(key)) {
      for (const [i, sub] of value.entries()) found.push(...openApiOnlyKeywords(sub, `${at}/${key}/${i}`));
    } else if (
      value &&
      typeof value === 'object' &&
      !['enum', 'const', 'default', 'required'].includes(key)
    ) {
      found.push(...openApiOnlyKeywords(value, `${at}/${key}`));
    }
  }
  return found;
}

async function catalogOf(spec: string, extra: object = {}) {
  return OpenApiCatalog.load({ spec, allowWrites: true, includeDeprecated: true, mode: 'static', ...extra });
}

function entry(catalog: OpenApiCatalog, id: string): OperationEntry {
  const found = catalog.find(id);
  if (!found) throw new Error(`no ${id} in ${catalog.entries.map((e) => e.name).join(', ')}`);
  return found;
}

describe('every example spec', () => {
  const ajv = strictAjv();
  it.each(SPECS)('%s loads; every input schema is valid 2020-12 and under 100 KB', async (path) => {
    const catalog = await catalogOf(example(path));
    if (!path.endsWith('webhooks.json')) expect(catalog.entries.length).toBeGreaterThan(0);
    for (const e of catalog.entries) {
      expect(e.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      const { schema } = catalog.input(e);
      expect(Buffer.byteLength(JSON.stringify(schema))).toBeLessThan(100_000);
      assertValidSchema(ajv, schema, `${path} ${e.name}`);
      expect(openApiOnlyKeywords(schema)).toEqual([]);
      for (const key of Object.keys(schema.properties)) expect(key).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    }
  });

  it('the example spec too', async () => {
    const catalog = await catalogOf(EXAMPLE_SPEC);
    for (const e of catalog.entries) assertValidSchema(ajv, catalog.input(e).schema, e.name);
  });
});

describe('argument flattening', () => {
  it('flattens a JSON body, drops readOnly properties, keeps bounds and formats', async () => {
    const catalog = await catalogOf(EXAMPLE_SPEC);
    const { schema, bindings, bodyMode } = catalog.input(entry(catalog, 'create_post'));
    expect(bodyMode).toBe('properties');
    expect(Object.keys(schema.properties)).toEqual(['userId', 'title', 'body']);
    expect(schema.required).toEqual(['userId', 'title', 'body']);
    expect(schema.properties.title).toEqual({ type: 'string', minLength: 1, maxLength: 200 });
    expect(schema.additionalProperties).toBe(false);
    expect(bindings.map((b) => b.location)).toEqual(['body', 'body', 'body']);
    const user = catalog.input(entry(catalog, 'fetch_user')).schema;
    expect(user).toEqual({
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1, description: "The user's id." } },
      required: ['id'],
      additionalProperties: false,
    });
    const list = catalog.input(entry(catalog, 'list_posts')).schema;
    expect(list.properties._limit).toMatchObject({ default: 10, maximum: 100 });
  });

  it('keeps $refs as $defs with only the reachable definitions', async () => {
    const catalog = await catalogOf(example('3.0/json/petstore.json'));
    const { schema } = catalog.input(entry(catalog, 'add_pet'));
    expect(Object.keys(schema.$defs).sort()).toEqual(['Category', 'Tag']);
    expect(schema.properties.category).toEqual({ $ref: '#/$defs/Category' });
    expect(schema.properties.status.enum).toEqual(['available', 'pending', 'sold']);
    expect(schema.properties.id).toBeUndefined(); // readOnly? no: petstore's id is writable
  });

  it('keeps circular schemas finite', async () => {
    const catalog = await catalogOf(example('3.0/json/circular.json'));
    for (const e of catalog.entries) {
      const { schema } = catalog.input(e);
      const text = JSON.stringify(schema);
      expect(text.length).toBeLessThan(100_000);
      if (text.includes('$ref')) expect(schema.$defs).toBeDefined();
    }
  });

  it('suffixes colliding names by location and takes a non-object body as `body`', async () => {
    const catalog = await catalogOf({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/items/{id}': {
          put: {
            operationId: 'putItem',
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
              { name: 'id', in: 'query', schema: { type: 'string' } },
              { name: 'X-Trace', in: 'header', schema: { type: 'string' }, example: 'abc' },
              { name: 'Accept', in: 'header', schema: { type: 'string' } },
              { name: 'filter[name]', in: 'query', schema: { type: 'string' } },
            ],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id'],
                    properties: { id: { type: 'string' }, n: { type: 'number' } },
                  },
                },
              },
            },
            responses: { '200': { description: 'ok' } },
          },
        },
        '/tags': {
          post: {
            operationId: 'postTags',
            requestBody: {
              content: {
                'application/json': {
                  schema: { type: 'array', items: { type: 'string' }, examples: [['a']] },
                },
              },
            },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });
    const put = catalog.input(entry(catalog, 'put_item'));
    expect(Object.keys(put.schema.properties)).toEqual([
      'id__path',
      'id__query',
      'X-Trace',
      'filter_name_',
      'id__body',
      'n',
    ]);
    expect(put.schema.required).toEqual(['id__path', 'id__body']);
    expect(put.bindings.find((b) => b.argument === 'filter_name_')?.name).toBe('filter[name]');
    const post = catalog.input(entry(catalog, 'post_tags'));
    expect(post.bodyMode).toBe('whole');
    expect(post.schema.properties.body).toEqual({ type: 'array', items: { type: 'string' } });
    expect(post.schema.required).toBeUndefined();
  });

  it('hides deprecated operations by default and credential parameters always', async () => {
    const catalog = await OpenApiCatalog.load({ spec: example('3.0/json/schema-deprecated.json') });
    const all = await catalogOf(example('3.0/json/schema-deprecated.json'));
    expect(catalog.entries.length + catalog.excluded.deprecated + catalog.excluded.write).toBe(
      all.entries.length,
    );
    const petstore = await catalogOf(example('3.0/json/petstore.json'));
    for (const e of petstore.entries) {
      expect(JSON.stringify(petstore.input(e).schema)).not.toMatch(/api_key/i);
    }
  });

  it('turns 3.0 nullable and boolean exclusive bounds into 2020-12', async () => {
    const catalog = await catalogOf({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/a': {
          get: {
            operationId: 'a',
            parameters: [
              {
                name: 'n',
                in: 'query',
                schema: { type: 'integer', minimum: 1, exclusiveMinimum: true, nullable: true },
              },
              { name: 'e', in: 'query', schema: { type: 'string', enum: ['x', 'y'], nullable: true } },
            ],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });
    const { schema } = catalog.input(entry(catalog, 'a'));
    expect(schema.properties.n).toEqual({ type: ['integer', 'null'], exclusiveMinimum: 1 });
    expect(schema.properties.e).toEqual({ type: ['string', 'null'], enum: ['x', 'y', null] });
  });

  it('cuts long descriptions', async () => {
    const catalog = await catalogOf({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a': {
          get: {
            operationId: 'a',
            parameters: [
              { name: 'q', in: 'query', description: 'word '.repeat(200), schema: { type: 'string' } },
            ],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });
    const { schema } = catalog.input(entry(catalog, 'a'));
    expect(schema.properties.q.description.length).toBeLessThanOrEqual(300);
    expect(schema.properties.q.description.endsWith('…')).toBe(true);
  });
});
