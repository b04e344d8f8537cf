import { compose, defineServer, defineTool, text } from '@mcpkit/core';
import { connect, createTestContext, ERAS, resultText } from '@mcpkit/core/testing';
import { describe, expect, it } from 'vitest';
import { createShop } from './compose.js';
import { checkStock, inventory } from './define-tool.js';
import { refuseSecrets } from './middleware.js';
import { createShopRuntime } from './runtime.js';

const KEY = 'sk-live-0123456789abcdefABCDEF';

describe('toolkit example: defineTool', () => {
  it('calls the handler directly, without a protocol', async () => {
    const result = await checkStock.handler({ product_id: 'P-001' }, createTestContext());
    expect(result.structuredContent).toEqual({ product_id: 'P-001', units: 12 });
  });

  it.each(ERAS)('serves the tool over the %s era', async (era) => {
    const client = await connect(inventory, { era });
    try {
      const [tool] = (await client.listTools()).tools;
      expect(tool?.name).toBe('check_stock');
      expect(tool?.annotations?.readOnlyHint).toBe(true);
      expect(tool?.inputSchema.required).toEqual(['product_id']);

      const found = await client.callTool({ name: 'check_stock', arguments: { product_id: 'P-002' } });
      expect(found.structuredContent).toEqual({ product_id: 'P-002', units: 0 });
      expect(resultText(found)).toBe('P-002: 0 in stock');

      const unknown = await client.callTool({ name: 'check_stock', arguments: { product_id: 'P-999' } });
      expect(unknown.isError).toBe(true);
      expect(resultText(unknown)).toContain('No product "P-999"');

      const malformed = await client.callTool({ name: 'check_stock', arguments: { product_id: 'pear' } });
      expect(malformed.isError).toBe(true);
      expect(resultText(malformed)).toContain('product_id');
    } finally {
      await client.close();
    }
  });
});

describe('toolkit example: compose', () => {
  it('mounts both modules under their namespaces', async () => {
    const client = await connect(createShop());
    try {
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual(['notes_add_note', 'notes_list_notes', 'stock_check_stock']);
      await client.callTool({ name: 'notes_add_note', arguments: { text: 'order more P-002' } });
      await client.callTool({ name: 'notes_add_note', arguments: { text: 'call the supplier' } });
      const listed = await client.callTool({ name: 'notes_list_notes', arguments: {} });
      expect(listed.structuredContent).toEqual({ notes: ['order more P-002', 'call the supplier'] });
      const some = await client.callTool({ name: 'notes_list_notes', arguments: { contains: 'P-002' } });
      expect(resultText(some)).toBe('order more P-002');
      const stock = await client.callTool({ name: 'stock_check_stock', arguments: { product_id: 'P-001' } });
      expect(stock.structuredContent).toEqual({ product_id: 'P-001', units: 12 });
    } finally {
      await client.close();
    }
  });

  it('refuses names that collide after prefixing, naming both sources', () => {
    const clash = defineServer({
      name: 'clash',
      version: '1.0.0',
      tools: [defineTool({ name: 'stock_check_stock', description: 'Same name.', handler: () => text('') })],
    });
    expect(() => compose({ name: 'x', version: '1.0.0' }, { stock: inventory, '': clash })).toThrow(
      'tool "stock_check_stock" is defined twice (from "stock") (from "clash")',
    );
  });
});

describe('toolkit example: middleware', () => {
  it.each(ERAS)('answers a call holding a key itself over the %s era; others pass', async (era) => {
    const client = await connect(createShop(), { era, middleware: [refuseSecrets()] });
    try {
      const refused = await client.callTool({
        name: 'notes_add_note',
        arguments: { text: `my key is ${KEY}` },
      });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toContain('looks like an API key');
      expect(resultText(refused)).not.toContain(KEY);

      await client.callTool({ name: 'notes_add_note', arguments: { text: 'no secrets here' } });
      // The refused call never reached the handler: only the second note was kept.
      const listed = await client.callTool({ name: 'notes_list_notes', arguments: {} });
      expect(listed.structuredContent).toEqual({ notes: ['no secrets here'] });
    } finally {
      await client.close();
    }
  });
});

describe('toolkit example: createRuntime', () => {
  it('applies the read-only policy and the middleware to every client it serves', async () => {
    const runtime = await createShopRuntime();
    try {
      // Two clients of one runtime: each gets its own server from runtime.factory.
      for (const era of ERAS) {
        const client = await connect(runtime, { era });
        try {
          const names = (await client.listTools()).tools.map((t) => t.name).sort();
          expect(names).toEqual(['notes_list_notes', 'stock_check_stock']);
          // A tool the policy removed does not exist for the client: the SDK answers "not found".
          await expect(client.callTool({ name: 'notes_add_note', arguments: { text: 'x' } })).rejects.toThrow(
            'Tool notes_add_note not found',
          );
          const secret = await client.callTool({
            name: 'notes_list_notes',
            arguments: { contains: KEY },
          });
          expect(resultText(secret)).toContain('looks like an API key');
        } finally {
          await client.close();
        }
      }
    } finally {
      await runtime.close();
    }
  });
});
