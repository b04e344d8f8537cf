import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiCatalog, type OpenApiOptions } from '../src/index.js';
import type { JsonObject } from '../src/spec/types.js';
import { json, startServer, type TestServer } from './support/http.js';
import { example, freePort } from './support/prism.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handle: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handle);
  servers.push(s);
  return s;
}

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };

function spec(paths: JsonObject, components: JsonObject = {}, extra: JsonObject = {}): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components, ...extra };
}

const securedSpec = spec(
  {
    '/thing': {
      get: {
        operationId: 'getThing',
        security: [{ bearer: [], key_query: [], key_cookie: [], key_header: [] }],
        responses: ok,
      },
    },
  },
  {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      key_query: { type: 'apiKey', in: 'query', name: 'api_key' },
      key_cookie: { type: 'apiKey', in: 'cookie', name: 'session' },
      key_header: { type: 'apiKey', in: 'header', name: 'X-Key' },
    },
  },
);
const securedEnv = {
  OPENAPI_BEARER_TOKEN: 'bearer-secret-1',
  OPENAPI_KEY_QUERY_KEY: 'query-secret-2',
  OPENAPI_KEY_COOKIE_KEY: 'cookie-secret-3',
  OPENAPI_KEY_HEADER_KEY: 'header-secret-4',
};

function load(specValue: JsonObject | string, options: Partial<OpenApiOptions>) {
  return OpenApiCatalog.load({ spec: specValue, env: {}, ...options });
}

describe('credentials and redirects', () => {
  it('sends every kind of credential to the configured origin', async () => {
    const api = await server((_req, res) => json(res, 200, { ok: true }));
    const catalog = await load(securedSpec, { baseUrl: api.url, env: securedEnv });
    const result = await catalog.call(catalog.find('get_thing')!, {});
    expect(result.structuredContent).toEqual({ ok: true });
    const [req] = api.requests;
    expect(req!.headers.authorization).toBe('Bearer bearer-secret-1');
    expect(req!.headers['x-key']).toBe('header-secret-4');
    expect(req!.headers.cookie).toBe('session=cookie-secret-3');
    expect(req!.url).toBe('/thing?api_key=query-secret-2');
    expect(req!.headers.accept).toBe('application/json');
  });

  it('never carries credentials on a redirect to another origin', async () => {
    const other = await server((_req, res) => json(res, 200, { elsewhere: true }));
    const api = await server((req, res) => {
      if (req.url.startsWith('/thing')) {
        res.writeHead(302, { location: `${other.url}/landing` });
        res.end();
      } else json(res, 200, {});
    });
    const catalog = await load(securedSpec, {
      baseUrl: api.url,
      env: securedEnv,
      headers: { 'X-Extra': 'configured-5' },
    });
    const result = await catalog.call(catalog.find('get_thing')!, {});
    expect(result.structuredContent).toEqual({ elsewhere: true });
    expect(api.requests[0]!.headers.authorization).toBe('Bearer bearer-secret-1');
    expect(api.requests[0]!.headers['x-extra']).toBe('configured-5');
    expect(other.requests).toHaveLength(1);
    const landed = other.requests[0]!;
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers['x-key']).toBeUndefined();
    expect(landed.headers['x-extra']).toBeUndefined();
    expect(landed.headers.cookie).toBeUndefined();
    expect(landed.url).toBe('/landing');
  });

  it('keeps credentials on a redirect within the origin, and turns a 303 after POST into a GET', async () => {
    const api = await server((req, res) => {
      if (req.url.startsWith('/thing?')) {
        res.writeHead(301, { location: '/thing/v2' });
        res.end();
      } else if (req.url === '/make') {
        res.writeHead(303, { location: '/made/1' });
        res.end();
      } else json(res, 200, { at: req.url, method: req.method });
    });
    const s = spec(
      {
        ...securedSpec.paths,
        '/make': {
          post: {
            operationId: 'make',
            requestBody: {
              content: {
                'application/json': { schema: { type: 'object', properties: { a: { type: 'string' } } } },
              },
            },
            responses: ok,
          },
        },
      },
      securedSpec.components,
    );
    const catalog = await load(s, { baseUrl: api.url, env: securedEnv, allowWrites: true });
    await catalog.call(catalog.find('get_thing')!, {});
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer bearer-secret-1',
      'Bearer bearer-secret-1',
    ]);
    const made = await catalog.call(catalog.find('make')!, { a: 'x' });
    expect(made.structuredContent).toEqual({ at: '/made/1', method: 'GET' });
    expect(api.requests.at(-1)!.body).toBe('');
  });

  it('redacts the credentials from an answer that echoes them', async () => {
    const api = await server((req, res) => json(res, 200, { echoed: req.headers.authorization }));
    const catalog = await load(securedSpec, { baseUrl: api.url, env: securedEnv });
    const result = await catalog.call(catalog.find('get_thing')!, {});
    expect(text(result)).toContain('[redacted]');
    expect(text(result)).not.toContain('bearer-secret-1');
    expect(result.structuredContent).toBeUndefined();
  });

  it("gets an OAuth2 client-credentials token from the spec's token URL, once", async () => {
    let tokens = 0;
    const api = await server((req, res) => {
      if (req.url === '/oauth/token') {
        tokens++;
        json(res, 200, { access_token: `issued-${tokens}`, token_type: 'bearer', expires_in: 3600 });
      } else json(res, 200, { auth: req.headers.authorization === 'Bearer issued-1' });
    });
    const oauthSpec = spec(
      { '/thing': { get: { operationId: 'getThing', security: [{ cc: ['read'] }], responses: ok } } },
      {
        securitySchemes: {
          cc: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { read: 'read' } } },
          },
        },
      },
    );
    const catalog = await load(oauthSpec, {
      baseUrl: api.url,
      env: { OPENAPI_CC_CLIENT_ID: 'client', OPENAPI_CC_CLIENT_SECRET: 'shh' },
    });
    const first = await catalog.call(catalog.find('get_thing')!, {});
    const second = await catalog.call(catalog.find('get_thing')!, {});
    expect(first.structuredContent).toEqual({ auth: true });
    expect(second.structuredContent).toEqual({ auth: true });
    expect(tokens).toBe(1);
    const tokenRequest = api.requests.find((r) => r.url === '/oauth/token')!;
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('client:shh').toString('base64')}`);
    expect(new URLSearchParams(tokenRequest.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(tokenRequest.body).get('scope')).toBe('read');
  });

  it('sends basic auth, and says which variables are missing', async () => {
    const api = await server((req, res) =>
      req.headers.authorization ? json(res, 200, { ok: 1 }) : json(res, 401, { message: 'login' }),
    );
    const basicSpec = spec(
      { '/thing': { get: { operationId: 'getThing', security: [{ login: [] }], responses: ok } } },
      { securitySchemes: { login: { type: 'http', scheme: 'basic' } } },
    );
    const anonymous = await load(basicSpec, { baseUrl: api.url });
    const refused = await anonymous.call(anonymous.find('get_thing')!, {});
    expect(text(refused)).toContain('set OPENAPI_LOGIN_USER and OPENAPI_LOGIN_PASSWORD');
    const catalog = await load(basicSpec, {
      baseUrl: api.url,
      env: { OPENAPI_LOGIN_USER: 'ann', OPENAPI_LOGIN_PASSWORD: 'pw-secret' },
    });
    expect((await catalog.call(catalog.find('get_thing')!, {})).structuredContent).toEqual({ ok: 1 });
    expect(api.requests.at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from('ann:pw-secret').toString('base64')}`,
    );
  });
});

describe('requests', () => {
  it("fills server variables from config and the spec's defaults", async () => {
    const api = await server((req, res) => json(res, 200, { at: req.url }));
    const port = new URL(api.url).port;
    const varSpec = spec(
      { '/x': { get: { operationId: 'x', responses: ok } } },
      {},
      {
        servers: [
          {
            url: 'http://127.0.0.1:{port}/{base}/{version}',
            variables: {
              port: { default: '1' },
              base: { default: 'api' },
              version: { default: 'v1', enum: ['v1', 'v2'] },
            },
          },
        ],
      },
    );
    const catalog = await load(varSpec, { serverVariables: { port, version: 'v2' } });
    expect((await catalog.call(catalog.find('x')!, {})).structuredContent).toEqual({ at: '/api/v2/x' });
    const wrong = await load(varSpec, { serverVariables: { port, version: 'v9' } });
    const refused = await wrong.call(wrong.find('x')!, {});
    expect(text(refused)).toContain('server variable "version" must be one of v1, v2');
  });

  it('lists tools from a spec without servers, and says what to pass when one is called', async () => {
    const catalog = await load(spec({ '/x': { get: { operationId: 'x', responses: ok } } }), {});
    expect(catalog.baseUrlError).toBe('the spec lists no server; pass a base URL');
    const result = await catalog.call(catalog.find('x')!, {});
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('x cannot be called: the spec lists no server; pass a base URL');
    const relative = await load(
      spec({ '/x': { get: { operationId: 'x', responses: ok } } }, {}, { servers: [{ url: '/v1' }] }),
      {},
    );
    expect(relative.baseUrlError).toContain('"/v1" is relative; pass a base URL');
  });

  it('refuses a path argument of "." or ".." and a header argument with a line break', async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const s = spec({
      '/users/{id}/posts': {
        get: {
          operationId: 'posts',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'X-Note', in: 'header', schema: { type: 'string' } },
          ],
          responses: ok,
        },
      },
    });
    const catalog = await load(s, { baseUrl: api.url });
    const up = await catalog.call(catalog.find('posts')!, { id: '..' });
    expect(text(up)).toBe('GET /users/{id}/posts: a path parameter cannot be "." or ".."; nothing was sent.');
    const injected = await catalog.call(catalog.find('posts')!, { id: '1', 'X-Note': 'a\r\nX-Admin: 1' });
    expect(text(injected)).toContain('header "X-Note" cannot hold line breaks; nothing was sent.');
    expect(api.requests).toHaveLength(0);
    await catalog.call(catalog.find('posts')!, { id: '../admin' });
    expect(api.requests[0]!.url).toBe('/users/..%2Fadmin/posts');
  });

  it('resolves a relative server URL against the URL the spec came from; HEAD answers with its status', async () => {
    const api = await server((req, res) => {
      if (req.url === '/specs/api.json') {
        return json(
          res,
          200,
          spec(
            { '/ping': { head: { operationId: 'ping', responses: { '200': { description: 'ok' } } } } },
            {},
            { servers: [{ url: '../v2' }] },
          ),
        );
      }
      res.writeHead(200, { 'content-length': '42' });
      res.end();
    });
    const catalog = await OpenApiCatalog.load({ spec: `${api.url}/specs/api.json`, env: {} });
    expect(catalog.baseUrlError).toBeUndefined();
    expect(catalog.baseUrl?.href).toBe(`${api.url}/v2`);
    const result = await catalog.call(catalog.find('ping')!, {});
    expect(api.requests.at(-1)).toMatchObject({ method: 'HEAD', url: '/v2/ping' });
    expect(text(result)).toBe('HTTP 200 from HEAD /ping (content-length 42).');
  });

  it('says when the OAuth2 token endpoint refuses the client', async () => {
    const api = await server((req, res) =>
      req.url === '/token' ? json(res, 401, { error: 'invalid_client' }) : json(res, 200, {}),
    );
    const s = spec(
      { '/x': { get: { operationId: 'x', security: [{ cc: [] }], responses: ok } } },
      {
        securitySchemes: {
          cc: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/token', scopes: {} } } },
        },
      },
    );
    const catalog = await load(s, {
      baseUrl: api.url,
      env: { OPENAPI_CC_CLIENT_ID: 'a', OPENAPI_CC_CLIENT_SECRET: 'b' },
    });
    const result = await catalog.call(catalog.find('x')!, {});
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      `the OAuth2 token endpoint ${api.url} refused the client credentials of scheme cc (HTTP 401: invalid_client); ` +
        'check OPENAPI_CC_CLIENT_ID and OPENAPI_CC_CLIENT_SECRET',
    );
    expect(api.requests.map((r) => r.url)).toEqual(['/token']);
  });

  it('serialises parameters by style and explode on the wire', async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const catalog = await load(example('3.0/json/parameters-style.json'), {
      baseUrl: api.url,
      allowWrites: true,
    });
    const call = async (name: string, args: JsonObject) => {
      const result = await catalog.call(catalog.find(name)!, args);
      expect(result.isError, text(result)).toBeUndefined();
      return api.requests.at(-1)!;
    };
    const args = { primitive: 'p', array: ['a', 'b'], object: { name: 'n', description: 'd' } };
    expect((await call('paths_matrix_non_exploded', args)).url).toBe(
      '/anything/path/matrix/;primitive=p/;array=a,b/;object=name,n,description,d',
    );
    expect((await call('paths_matrix_exploded', args)).url).toBe(
      '/anything/path/matrix/;primitive=p/;array=a;array=b/;name=n;description=d',
    );
    expect((await call('paths_label_non_exploded', args)).url).toBe(
      '/anything/path/label/.p/.a,b/.name,n,description,d',
    );
    expect((await call('paths_label_exploded', args)).url).toBe(
      '/anything/path/label/.p/.a.b/.name=n.description=d',
    );
    expect((await call('paths_simple_non_exploded', args)).url).toBe(
      '/anything/path/simple/p/a,b/name,n,description,d',
    );
    expect((await call('query_form_exploded', args)).url).toBe(
      '/anything/query/form?primitive=p&array=a&array=b&name=n&description=d',
    );
    expect((await call('query_form_non_exploded', args)).url).toBe(
      '/anything/query/form?primitive=p&array=a,b&object=name,n,description,d',
    );
    expect((await call('query_space_delimited_non_exploded', { array: ['a', 'b'] })).url).toBe(
      '/anything/query/spaceDelimited?array=a%20b',
    );
    expect((await call('query_pipe_delimited_non_exploded', { array: ['a', 'b'] })).url).toBe(
      '/anything/query/pipeDelimited?array=a|b',
    );
    expect(
      (await call('query_deep_object_non_exploded', { object: { name: 'n', description: 'd' } })).url,
    ).toBe('/anything/query/deepObject?object%5Bname%5D=n&object%5Bdescription%5D=d');
    const headers = (await call('headers_simple_exploded', args)).headers;
    expect([headers.primitive, headers.array, headers.object]).toEqual(['p', 'a,b', 'name=n,description=d']);
    expect((await call('cookies_form_non_exploded', args)).headers.cookie).toBe(
      'primitive=p; array=a,b; object=name,n,description,d',
    );
    // A path key with a #fragment (two operations on one path) is sent without it.
    expect((await call('cookies_form_exploded', { primitive: 'p' })).url).toBe('/cookies');
  });

  it('sends multipart parts: scalars as text, objects as JSON parts, styled fields spread', async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const catalog = await load(example('3.0/json/parameters-style.json'), {
      baseUrl: api.url,
      allowWrites: true,
    });
    const args = { primitive: 'p', array: ['a', 'b'], object: { name: 'n', description: 'd' } };
    await catalog.call(catalog.find('form_data_standard')!, args);
    const standard = api.requests.at(-1)!;
    expect(standard.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(standard.body).toMatch(/name="primitive"\r\n\r\np\r\n/);
    expect(standard.body.match(/name="array"\r\n\r\n[ab]\r\n/g)).toHaveLength(2);
    const objectPart = 'name="object"; filename="object"\r\nContent-Type: application/json\r\n\r\n';
    expect(standard.body).toContain(`${objectPart}{"name":"n","description":"d"}`);
    await catalog.call(catalog.find('form_data_form_exploded')!, args);
    const exploded = api.requests.at(-1)!.body;
    expect(exploded).toMatch(/name="name"\r\n\r\nn\r\n/);
    expect(exploded).toMatch(/name="description"\r\n\r\nd\r\n/);
  });

  it('sends a form body, and a whole non-object body', async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const formSpec = spec({
      '/form': {
        post: {
          operationId: 'form',
          requestBody: {
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  properties: { a: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
          responses: ok,
        },
      },
      '/list': {
        post: {
          operationId: 'list',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'array', items: { type: 'integer' } } } },
          },
          responses: ok,
        },
      },
    });
    const catalog = await load(formSpec, { baseUrl: api.url, allowWrites: true });
    await catalog.call(catalog.find('form')!, { a: 'x y', tags: ['t1', 't2'] });
    expect(api.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(api.requests[0]!.body).toBe('a=x+y&tags=t1&tags=t2');
    await catalog.call(catalog.find('list')!, { body: [1, 2, 3] });
    expect(api.requests[1]!.body).toBe('[1,2,3]');
    expect(api.requests[1]!.headers['content-type']).toBe('application/json');
  });
});

describe('responses', () => {
  it('gives a binary body as its size and a link, never base64', async () => {
    const png = Buffer.alloc(20_000, 7);
    const api = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    const imageSpec = spec(
      {
        '/img': {
          get: {
            operationId: 'img',
            security: [{ k: [] }],
            responses: { '200': { description: 'png', content: { 'image/png': {} } } },
          },
        },
      },
      { securitySchemes: { k: { type: 'apiKey', in: 'query', name: 'key' } } },
    );
    const catalog = await load(imageSpec, { baseUrl: api.url, env: { OPENAPI_K_KEY: 'link-secret' } });
    const result = await catalog.call(catalog.find('img')!, {});
    expect(api.requests[0]!.headers.accept).toContain('image/png');
    expect(text(result)).toContain('image/png body of 20,000 bytes');
    expect(JSON.stringify(result)).not.toContain(png.toString('base64').slice(0, 40));
    const link = result.content.find((c) => c.type === 'resource_link') as { uri: string; size: number };
    expect(link.uri).toBe(`${api.url}/img`);
    expect(link.size).toBe(20_000);
  });

  it('turns a timeout, a refused connection and a 429 into errors saying what happened', async () => {
    const api = await server((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"message":"slow down"}');
    });
    const s = spec({
      '/slow': { get: { operationId: 'slow', responses: ok } },
      '/busy': { get: { operationId: 'busy', responses: ok } },
    });
    const catalog = await load(s, { baseUrl: api.url, timeoutMs: 300 });
    expect(text(await catalog.call(catalog.find('slow')!, {}))).toContain('did not answer within');
    // The 429 with the default limit: a loaded machine must not turn it into a timeout.
    const patient = await load(s, { baseUrl: api.url });
    const busy = await patient.call(patient.find('busy')!, {});
    expect(text(busy)).toContain('API error 429');
    expect(text(busy)).toContain('rate limited: retry after 7 s');
    const closedPort = await freePort(); // nothing listens there
    const closed = await load(s, { baseUrl: `http://127.0.0.1:${closedPort}` });
    const refused = await closed.call(closed.find('busy')!, {});
    expect(refused.isError).toBe(true);
    expect(text(refused)).toBe(`GET /busy: could not reach http://127.0.0.1:${closedPort} (ECONNREFUSED).`);
  });

  it('says when an answer stops half-way or runs out of time', async () => {
    const api = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
      // /broken: headers and the first bytes arrive, then the connection drops (once they are
      // handed to the socket, not after a guessed pause). /stalled: the rest never comes.
      res.write('x'.repeat(1000), () => {
        if (req.url === '/broken') res.destroy();
      });
    });
    const s = spec({
      '/broken': { get: { operationId: 'broken', responses: ok } },
      '/stalled': { get: { operationId: 'stalled', responses: ok } },
    });
    // A generous limit for the broken answer, so a loaded machine cannot turn it into a timeout.
    const patient = await load(s, { baseUrl: api.url, timeoutMs: 60_000 });
    const broken = await patient.call(patient.find('broken')!, {});
    expect(broken.isError).toBe(true);
    expect(text(broken)).toMatch(/^GET \/broken: the answer broke off/);
    const catalog = await load(s, { baseUrl: api.url, timeoutMs: 500 });
    const stalled = await catalog.call(catalog.find('stalled')!, {});
    expect(text(stalled)).toBe('GET /stalled: the answer did not finish within 1 s.');
  });

  it('gives JSON that does not match the 2xx schema as text only', async () => {
    const api = await server((_req, res) => json(res, 200, { id: 'not-a-number' }));
    const s = spec({
      '/x': {
        get: {
          operationId: 'x',
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': { schema: { type: 'object', properties: { id: { type: 'integer' } } } },
              },
            },
          },
        },
      },
    });
    const catalog = await load(s, { baseUrl: api.url });
    const result = await catalog.call(catalog.find('x')!, {});
    expect(result.structuredContent).toBeUndefined();
    expect(text(result)).toBe('{"id":"not-a-number"}');
  });
});
