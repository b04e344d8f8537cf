import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiCatalog } from '../src/index.js';
import { example, type Prism, startPrism } from './support/prism.js';
import { sampleArguments } from './support/sample.js';

/**
 * The edge-case specs of @readme/oas-examples served against Prism mocking each one. Every served
 * operation is called with the smallest arguments its schema accepts; Prism checks the request against
 * the spec (--errors) and answers from it.
 */

const env = {
  OPENAPI_API_KEY_COOKIE_KEY: 'c',
  OPENAPI_API_KEY_HEADER_KEY: 'h',
  OPENAPI_API_KEY_QUERY_KEY: 'q',
  OPENAPI_BASIC_USER: 'u',
  OPENAPI_BASIC_PASSWORD: 'p',
  OPENAPI_BEARER_TOKEN: 'b',
  OPENAPI_BEARER_JWT_TOKEN: 'j',
  OPENAPI_OAUTH2_TOKEN: 'o',
  OPENAPI_OAUTH2_ALTERNATE_TOKEN: 'o2',
  OPENAPI_PETSTORE_AUTH_TOKEN: 'pa',
  OPENAPI_API_KEY_KEY: 'k',
};

interface Case {
  spec: string;
  /** Fill optional arguments too, so every parameter style goes on the wire. */
  all?: boolean;
  /** Operations left out, and why (Prism's own limits, not ours). */
  skip?: RegExp;
  /** Operations whose non-2xx answer is Prism's doing, by name, with the status it gives. */
  prismAnswers?: Record<string, number>;
}

const CASES: Case[] = [
  // Prism 5.14.2 crashes (TypeError in its style deserialisers) on this spec's header and path parameters
  // of every style and on spaceDelimited and pipeDelimited fields, and reads repeated or JSON multipart parts
  // as strings; those serialisations are checked on the wire in http.test.ts instead.
  {
    spec: '3.0/json/parameters-style.json',
    all: true,
    skip: /header|path|delimited|form_data_(standard|form_non_exploded|deep_object)/,
  },
  { spec: '3.0/json/parameters-common.json', all: true },
  { spec: '3.0/json/parameters-cookies.json', all: true },
  // Prism cannot produce a valid answer from a circular response schema and says so with a 500.
  {
    spec: '3.0/json/circular-request-bodies.json',
    prismAnswers: { direct_circular: 500, indirect_circular: 500, multiple_circular: 500 },
  },
  // put_circular's body is optional; Prism still wants one (415/400) when none is sent.
  { spec: '3.0/json/schema-circular.json', prismAnswers: { put_circular: 400 } },
  { spec: '3.0/json/server-variables.json', all: true },
  { spec: '3.0/json/security-multiple.json' },
  { spec: '3.0/json/polymorphism.json' },
  // These three 2.0 operations declare no `consumes`, so Prism takes no body type (415, or the declared 400)
  // while the upgrade to 3.1 (and every real client) sends JSON.
  {
    spec: '2.0/json/petstore.json',
    prismAnswers: {
      place_order: 400,
      create_user: 415,
      create_users_with_array_input: 415,
      create_users_with_list_input: 415,
    },
  },
];

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}

for (const { spec, all, skip, prismAnswers = {} } of CASES) {
  describe(spec, () => {
    let prism: Prism;
    beforeAll(async () => {
      prism = await startPrism(example(spec));
    });
    afterAll(async () => {
      await prism?.stop();
    });

    it('every operation is served and answers through Prism', async () => {
      const catalog = await OpenApiCatalog.load({
        spec: example(spec),
        baseUrl: prism.url,
        allowWrites: true,
        allowDelete: ['method:delete'],
        env,
      });
      const unexpected: string[] = [];
      let answered = 0;
      for (const entry of catalog.entries) {
        if (skip?.test(entry.name)) continue;
        // The first oneOf branch whose sample the input schema accepts (branches can overlap).
        const schema = catalog.input(entry).schema;
        let args = sampleArguments(schema, { all: all ?? false });
        for (let branch = 1; branch < 6 && catalog.checkArguments(entry, args).length > 0; branch++) {
          args = sampleArguments(schema, { all: all ?? false, branch });
        }
        expect(catalog.checkArguments(entry, args), entry.name).toEqual([]);
        const result = await catalog.call(entry, args);
        const first = text(result).split('\n')[0]!;
        // An operation that declares a 2xx answer gets one; one that declares only errors gets the
        // first it declares (that is what Prism serves); Prism's own limits are listed per case.
        const declared = Object.keys(entry.op.responses);
        const success = declared.some((s) => /^2/.test(s) || s === 'default');
        const expected = prismAnswers[entry.name] ?? (success ? undefined : Number(declared[0]));
        const got = result.isError ? Number(/API error (\d{3})/.exec(first)?.[1] ?? Number.NaN) : undefined;
        if (got !== expected) unexpected.push(`${entry.name}: expected ${expected ?? '2xx'}, got ${first}`);
        answered++;
      }
      expect(unexpected).toEqual([]);
      expect(answered).toBeGreaterThan(0);
      expect(prism.alive()).toBe(true);
    });
  });
}
