import path from 'node:path';
import { registerServer } from '@mcpkit/core';

// Registration is cheap: each server's code loads only when it is created.
registerServer({
  name: 'catalog',
  description:
    "The seed's catalog: customer and product resources, search_customers, get_product_price, code_review",
  usage: '[data-dir]',
  pathArgs: true,
  async create(args, options, { cwd }) {
    const { loadCatalog } = await import('./catalog/data.js');
    const { createCatalogServer } = await import('./catalog/server.js');
    const dir = args[0] ?? (typeof options.dataDir === 'string' ? options.dataDir : undefined);
    return createCatalogServer(await loadCatalog(dir ? path.resolve(cwd, dir) : undefined));
  },
});

registerServer({
  name: 'calculator',
  description: "The seed's minimal server: add(a, b)",
  async create() {
    const { createCalculatorServer } = await import('./calculator/server.js');
    return createCalculatorServer();
  },
});

registerServer({
  name: 'code-review',
  description: "The seed's code_review prompt (file_path, focus_areas)",
  async create() {
    const { createCodeReviewServer } = await import('./code-review/prompt.js');
    return createCodeReviewServer();
  },
});
