import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, SpecError } from '../src/index.js';
import { startServer, type TestServer } from './support/http.js';
import { example } from './support/prism.js';

const EXAMPLE_SPEC = new URL('../../../examples/openapi/jsonplaceholder.yaml', import.meta.url).pathname;

let dir: string;
let server: TestServer;
const served = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openapi-load-'));
  server = await startServer((req, res) => {
    const body = served.get(req.url);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/yaml' });
    res.end(body ?? 'not found');
  });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function failure(source: string): Promise<string> {
  const error = await loadSpec(source).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SpecError);
  const message = (error as Error).message;
  // Start-up errors name the file by its base name: no absolute path of this machine.
  expect(message).not.toContain(dir);
  return message;
}

describe('loadSpec', () => {
  it('loads OpenAPI 3.0 JSON, keeping $refs', async () => {
    const spec = await loadSpec(example('3.0/json/petstore.json'));
    expect(spec.sourceDialect).toBe('openapi-3.0');
    expect(spec.title).toBe('Swagger Petstore');
    expect(spec.sourceLabel).toBe('petstore.json');
    expect(spec.document.paths['/pet'].post.requestBody).toEqual({ $ref: '#/components/requestBodies/Pet' });
    expect(
      spec.document.paths['/pet/{petId}'].get.responses['200'].content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/Pet',
    });
  });

  it('loads OpenAPI 3.1 YAML', async () => {
    const spec = await loadSpec(EXAMPLE_SPEC);
    expect(spec.sourceDialect).toBe('openapi-3.1');
    expect(Object.keys(spec.document.paths)).toContain('/users/{id}');
  });

  it('upgrades Swagger 2.0 to OpenAPI 3.1 (bodies, definitions, security)', async () => {
    const spec = await loadSpec(example('2.0/json/petstore.json'));
    expect(spec.sourceDialect).toBe('swagger-2.0');
    expect(spec.document.openapi).toMatch(/^3\.1/);
    expect(spec.document.swagger).toBeUndefined();
    const addPet = spec.document.paths['/pet'].post;
    expect(addPet.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Pet');
    expect(spec.document.components.securitySchemes.api_key).toMatchObject({ type: 'apiKey', in: 'header' });
    expect(spec.document.servers[0].url).toBe('http://petstore.swagger.io/v2');
  });

  it('loads from a URL, and a gzip file', async () => {
    served.set('/spec.yaml', await readFile(EXAMPLE_SPEC, 'utf8'));
    const fromUrl = await loadSpec(`${server.url}/spec.yaml`);
    expect(fromUrl.sourceUrl).toBe(`${server.url}/spec.yaml`);
    expect(fromUrl.title).toContain('JSONPlaceholder');
    const gz = await write('petstore.json.gz', gzipSync(await readFile(example('3.0/json/petstore.json'))));
    expect((await loadSpec(gz)).title).toBe('Swagger Petstore');
    const missing = await loadSpec(`${server.url}/nothing.yaml`).catch((e: Error) => e.message);
    expect(missing).toContain('HTTP 404');
  });

  it('resolves external file references into internal ones', async () => {
    await write('pet-schema.yaml', 'type: object\nproperties:\n  name: { type: string }\n');
    const main = await write(
      'external.yaml',
      [
        'openapi: 3.0.3',
        'info: { title: ext, version: "1" }',
        'paths:',
        '  /pets:',
        '    get:',
        '      responses:',
        "        '200':",
        '          description: ok',
        '          content:',
        '            application/json:',
        "              schema: { $ref: 'pet-schema.yaml' }",
      ].join('\n'),
    );
    const spec = await loadSpec(main);
    const schema = spec.document.paths['/pets'].get.responses['200'].content['application/json'].schema;
    expect(JSON.stringify(schema)).not.toContain('pet-schema.yaml');
  });

  it('refuses a broken spec with an error naming what is wrong', async () => {
    const dangling = await write(
      'dangling.json',
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'x', version: '1' },
        paths: {
          '/a': {
            get: {
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } },
                },
              },
            },
          },
        },
      }),
    );
    expect(await failure(dangling)).toContain('#/components/schemas/Nope');

    const optionalPath = await write(
      'optional-path.yaml',
      [
        'openapi: 3.0.3',
        'info: { title: x, version: "1" }',
        'paths:',
        '  /a/{id}:',
        '    get:',
        '      parameters:',
        '        - { name: id, in: path, schema: { type: string } }',
        '      responses: { "200": { description: ok } }',
      ].join('\n'),
    );
    expect(await failure(optionalPath)).toMatch(/required/i);

    expect(await failure(await write('bad.yaml', 'openapi: 3.0.3\ninfo: [\n'))).toMatch(/not valid YAML/);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const laughs = await write('laughs.yaml', `openapi: 3.0.3\n${levels.join('\n')}\n`);
    expect(await failure(laughs)).toMatch(/not valid YAML: .*alias/i);
    expect(await failure(await write('bad.json', '{"openapi": "3.0.3",'))).toMatch(/not valid JSON/);
    expect(await failure(await write('noversion.yaml', 'info: { title: x }\n'))).toMatch(
      /neither an "openapi" nor/,
    );
    expect(await failure(await write('v4.yaml', 'openapi: 4.0.0\n'))).toMatch(
      /supported: 2\.0, 3\.0\.x, 3\.1\.x/,
    );
    expect(await failure(join(dir, 'absent.yaml'))).toBe('cannot read spec absent.yaml: no such file');
    const missingInfo = await failure(await write('noinfo.yaml', 'openapi: 3.0.3\npaths: {}\n'));
    expect(missingInfo).toMatch(/info/);
  });

  it('checks large specs structurally, naming what is wrong', async () => {
    const broken = {
      openapi: '3.0.3',
      info: { title: 'x', version: '1' },
      security: [{ nowhere: [] }],
      paths: {
        '/a/{id}': {
          get: {
            operationId: 'dup',
            parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }],
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } },
              },
            },
          },
        },
        '/b/{other}': { get: { operationId: 'dup', responses: { '200': { description: 'ok' } } } },
      },
    };
    const error = await loadSpec(broken, { validate: 'structural' }).catch((e: Error) => e.message);
    expect(error).toContain(
      '$ref #/components/schemas/Nope points at nothing (at #/paths/~1a~1{id}/get/responses/200',
    );
    expect(error).toContain('GET /a/{id}: path parameter "id" must have "required: true"');
    expect(error).toContain('GET /b/{other}: operationId "dup" is also used by GET /a/{id}');
    expect(error).toContain('GET /b/{other}: path parameter "other" is not declared');
    expect(error).toContain('security: security scheme "nowhere" is not defined');
    const fine = await loadSpec(example('3.0/json/petstore.json'), { validate: 'structural' });
    expect(fine.title).toBe('Swagger Petstore');
  });
});
