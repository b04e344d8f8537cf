import { connect, ERAS, resultText } from '@mcpkit/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogData, loadCatalog } from './data.js';
import { createCatalogServer } from './server.js';

let data: CatalogData;
beforeAll(async () => {
  data = await loadCatalog();
});

describe.each(ERAS)('catalog over the %s era', (era) => {
  let client: Awaited<ReturnType<typeof connect>>;
  afterEach(async () => {
    await client?.close();
  });

  it('lists the seed resources and reads them', async () => {
    client = await connect(createCatalogServer(data), { era });
    const { resources } = await client.listResources();
    expect(resources.map((r) => [r.uri, r.title])).toEqual([
      ['catalog://customers', 'Customer Database'],
      ['catalog://products', 'Product Catalog'],
    ]);
    const read = await client.readResource({ uri: 'catalog://products' });
    const item = read.contents[0]!;
    expect(item.mimeType).toBe('application/json');
    expect(JSON.parse('text' in item ? item.text : '')).toHaveLength(data.products.length);
  });

  it('search_customers matches name or email case-insensitively and honours limit', async () => {
    client = await connect(createCatalogServer(data), { era });
    const byName = await client.callTool({ name: 'search_customers', arguments: { query: 'JOHN' } });
    const names = (byName.structuredContent as { customers: { name: string }[] }).customers.map(
      (c) => c.name,
    );
    const expected = data.customers
      .filter((c) => /john/i.test(c.name) || /john/i.test(c.email))
      .map((c) => c.name);
    expect(names).toEqual(expected);
    expect(names.length).toBeGreaterThan(1);

    const limited = await client.callTool({
      name: 'search_customers',
      arguments: { query: 'example.com', limit: 3 },
    });
    const structured = limited.structuredContent as { customers: unknown[]; total: number };
    expect(structured.customers).toHaveLength(3);
    expect(structured.total).toBe(data.customers.length);
    expect(resultText(limited)).toContain(`${data.customers.length - 3} more match`);
  });

  it('get_product_price returns the price, or a clear not-found error', async () => {
    client = await connect(createCatalogServer(data), { era });
    const product = data.products[1]!;
    const found = await client.callTool({ name: 'get_product_price', arguments: { product_id: product.id } });
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent).toEqual({
      product_id: product.id,
      name: product.name,
      price: product.price,
      currency: product.currency,
    });
    const missing = await client.callTool({ name: 'get_product_price', arguments: { product_id: 'NOPE-1' } });
    expect(missing.isError).toBe(true);
    expect(resultText(missing)).toMatch(/"NOPE-1" not found.*catalog:\/\/products/);
  });

  it('rejects arguments outside the schema before the handler runs', async () => {
    client = await connect(createCatalogServer(data), { era });
    const result = await client.callTool({
      name: 'search_customers',
      arguments: { query: 'a', limit: 1000 },
    });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/limit/);
  });

  it('serves the code_review prompt with a required file_path', async () => {
    client = await connect(createCatalogServer(data), { era });
    const { prompts } = await client.listPrompts();
    expect(prompts.find((p) => p.name === 'code_review')?.arguments).toEqual([
      expect.objectContaining({ name: 'file_path', required: true }),
      expect.objectContaining({ name: 'focus_areas', required: false }),
    ]);
    const prompt = await client.getPrompt({
      name: 'code_review',
      arguments: { file_path: 'src/a.ts', focus_areas: 'security' },
    });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain('src/a.ts');
    expect(text).toContain('Focus on: security');
    await expect(client.getPrompt({ name: 'code_review', arguments: {} })).rejects.toThrow(/file_path/);
  });
});
