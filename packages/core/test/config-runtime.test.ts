import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildFromConfig, parseConfig } from '../src/config.js';
import {
  createRuntime,
  declareServer,
  defineServer,
  defineTool,
  ServerCatalog,
  silentLogger,
  text,
} from '../src/index.js';
import { connect, ERAS, resultText } from '../src/testing/index.js';

// A small server with a reader, a writer, a deleter and an admin tool, declared as a built-in is:
// the config below reaches it only through parseConfig and buildFromConfig, as `mcpkit serve
// --config` does, and the runtime those build is what is checked.
const notes = declareServer({
  name: 'notes',
  description: 'Notes for config tests',
  options: z.object({}),
  writes: 'on',
  create: async () =>
    defineServer({
      name: 'notes',
      version: '1.0.0',
      tools: [
        defineTool({
          name: 'read_note',
          description: 'Reads',
          input: z.object({ ids: z.array(z.number()).optional() }),
          annotations: { readOnlyHint: true },
          handler: ({ ids }) => text(`read ${ids?.length ?? 0}`),
        }),
        defineTool({
          name: 'write_note',
          description: 'Writes',
          input: z.object({ text: z.string() }),
          annotations: { readOnlyHint: false },
          handler: ({ text: value }) => text(`wrote ${value}`),
        }),
        defineTool({
          name: 'delete_note',
          description: 'Deletes',
          input: z.object({}),
          annotations: { destructiveHint: true },
          handler: () => text('deleted'),
        }),
        defineTool({
          name: 'admin_dump',
          description: 'Dumps everything',
          input: z.object({}),
          annotations: { readOnlyHint: true },
          handler: () => text('dumped'),
        }),
      ],
    }),
});
const catalog = new ServerCatalog([notes]);

async function served(raw: unknown) {
  const config = parseConfig(raw, { catalog, env: {} });
  const { module, runtime } = await buildFromConfig(config, catalog, { logger: silentLogger(), cwd: '/' });
  return createRuntime(module, { ...runtime, logger: silentLogger() });
}

const CONFIG = {
  servers: {
    ro: { server: 'notes', readOnly: true },
    rw: { server: 'notes', tools: { deny: ['delete_*'] } },
  },
  tools: { scopes: { '*_admin_*': ['admin'] } },
  limits: { maxInputElements: 10 },
};

describe.each(ERAS)('a config file reaches the runtime (%s era)', (era) => {
  it('per-server readOnly and deny shape what is served', async () => {
    const runtime = await served(CONFIG);
    const client = await connect(runtime, { era });
    try {
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual([
        'ro_admin_dump',
        'ro_read_note',
        'rw_admin_dump',
        'rw_read_note',
        'rw_write_note',
      ]);
      await expect(client.callTool({ name: 'ro_write_note', arguments: { text: 'x' } })).rejects.toThrow(
        /ro_write_note not found/,
      );
      await expect(client.callTool({ name: 'rw_delete_note', arguments: {} })).rejects.toThrow(/not found/);
      const wrote = await client.callTool({ name: 'rw_write_note', arguments: { text: 'x' } });
      expect(resultText(wrote)).toBe('wrote x');
    } finally {
      await client.close();
      await runtime.close();
    }
  });

  it('tools.scopes: an authenticated caller sees and calls the admin tools only with the scope', async () => {
    const runtime = await served(CONFIG);
    const plain = await connect(runtime, { era, auth: { token: 't1', clientId: 'bob', scopes: [] } });
    const admin = await connect(runtime, { era, auth: { token: 't2', clientId: 'ann', scopes: ['admin'] } });
    try {
      const seen = (await plain.listTools()).tools.map((t) => t.name);
      expect(seen).toContain('rw_read_note');
      expect(seen.filter((n) => n.includes('admin'))).toEqual([]);
      await expect(plain.callTool({ name: 'rw_admin_dump', arguments: {} })).rejects.toThrow(
        /rw_admin_dump not found/,
      );
      const adminSeen = (await admin.listTools()).tools.map((t) => t.name);
      expect(adminSeen).toEqual(expect.arrayContaining(['ro_admin_dump', 'rw_admin_dump']));
      expect(resultText(await admin.callTool({ name: 'rw_admin_dump', arguments: {} }))).toBe('dumped');
    } finally {
      await plain.close();
      await admin.close();
      await runtime.close();
    }
  });

  it('limits.maxInputElements bounds the arguments of a call', async () => {
    const runtime = await served(CONFIG);
    const client = await connect(runtime, { era });
    try {
      const within = await client.callTool({
        name: 'rw_read_note',
        arguments: { ids: Array.from({ length: 8 }, (_, i) => i) },
      });
      expect(resultText(within)).toBe('read 8');
      const past = await client
        .callTool({
          name: 'rw_read_note',
          arguments: { ids: Array.from({ length: 50 }, (_, i) => i) },
        })
        .then(
          (result) => ({ error: result.isError === true, text: resultText(result) }),
          (error: Error) => ({ error: true, text: error.message }),
        );
      expect(past.error).toBe(true);
      expect(past.text).not.toContain('read 50');
      expect(past.text).toMatch(/element|too many|large/i);
    } finally {
      await client.close();
      await runtime.close();
    }
  });
});
