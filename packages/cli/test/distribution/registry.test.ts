// The MCP registry's server.json for each built-in server: up to date with distribution/servers.mjs,
// valid against the registry's published schema (a copy in distribution/registry/), and in step
// with what each server declares.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerDeclaration } from '@mcpkit/core';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SERVERS } from '../../../../distribution/servers.mjs';
import {
  registryDir,
  SCHEMA_URL,
  serverJson,
  serverJsonFile,
  serverJsonText,
} from '../../../../scripts/registry-server-json.mjs';
import { serverPackages } from '../../../../scripts/workspaces.mjs';

const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const schema = JSON.parse(readFileSync(path.join(registryDir, 'server.schema.2025-12-11.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

/** Every declared server, by name, from the packages that declare them (as the CLI lists them). */
async function declared(): Promise<Map<string, { declaration: ServerDeclaration; published: boolean }>> {
  const all = new Map<string, { declaration: ServerDeclaration; published: boolean }>();
  for (const { dir, specifier } of serverPackages()) {
    const pkg = JSON.parse(readFileSync(path.join(registryDir, '../..', dir, 'package.json'), 'utf8'));
    const { servers } = (await import(specifier)) as { servers: ServerDeclaration[] };
    for (const declaration of servers) all.set(declaration.name, { declaration, published: !pkg.private });
  }
  return all;
}

describe('registry server.json', () => {
  it('the copied schema is the registry version the files name', () => {
    expect(schema.$id).toBe(SCHEMA_URL);
  });

  it('covers every server of a published package, and the catalog demo', async () => {
    const servers = await declared();
    const expected = [...servers].filter(([, s]) => s.published).map(([name]) => name);
    expect(Object.keys(SERVERS).sort()).toEqual([...expected, 'catalog'].sort());
  });

  it.each(Object.keys(SERVERS))('%s: committed, up to date and valid against the schema', (name) => {
    const committed = readFileSync(serverJsonFile(name), 'utf8');
    expect(committed, 'run node scripts/registry-server-json.mjs').toBe(serverJsonText(name));
    const document = JSON.parse(committed);
    const ok = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(document.name).toMatch(new RegExp(`/${name}$`));
    const args = document.packages[0].packageArguments;
    expect(args.slice(0, 2).map((a: { value: string }) => a.value)).toEqual(['serve', name]);
    // Secrets travel as environment variables, never as arguments.
    expect(args.some((a: { isSecret?: boolean }) => a.isSecret)).toBe(false);
  });

  it.each(Object.keys(SERVERS))('%s: arguments and flags match the declaration', async (name) => {
    const { declaration } = (await declared()).get(name)!;
    const args = serverJson(name).packages[0].packageArguments.slice(2);
    const positional = args.filter((a) => a.type === 'positional');
    // A server with required positional arguments says so; one without takes none here.
    if (positional.length) expect(declaration.args).toBeDefined();
    if (positional.some((a) => a.isRepeated)) expect(declaration.args?.variadic).toBe(true);
    const shape = declaration.options.shape as Record<string, unknown>;
    for (const flag of args.filter((a) => a.type === 'named')) {
      const key = flag
        .name!.replace(/^--/, '')
        .replace(/-([a-z])/g, (_m: string, c: string) => c.toUpperCase());
      expect(shape, `${flag.name} is an option of ${name}`).toHaveProperty(key);
    }
  });

  it('the schema refuses what the registry refuses (the validator is live)', () => {
    const document = serverJson('filesystem');
    expect(validate({ ...document, description: 'x'.repeat(101) })).toBe(false);
    expect(validate({ ...document, name: 'no-slash' })).toBe(false);
    const { packages, ...rest } = document;
    expect(validate({ ...rest, packages: [{ ...packages[0], transport: { type: 'carrier-pigeon' } }] })).toBe(
      false,
    );
  });
});
