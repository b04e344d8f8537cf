import { declareServer, OptionsError } from '@mcpkit/core';
import * as z from 'zod';

const none = z.object({}).strict();

/** The seed's example servers, as `mcpkit serve catalog|calculator|code-review` names them. */
export const servers = [
  declareServer({
    name: 'catalog',
    description:
      "The seed's catalog: customer and product resources, search_customers, get_product_price, code_review",
    options: z
      .object({
        dataDir: z.string().min(1).optional().describe('Folder with customers.json and products.json'),
      })
      .strict(),
    args: { option: 'dataDir', synopsis: '[data-dir]' },
    paths: ['dataDir'],
    writes: 'off', // nothing here writes
    async create(options, { cwd }) {
      const path = await import('node:path');
      const { loadCatalog } = await import('./catalog/data.js');
      const { createCatalogServer } = await import('./catalog/server.js');
      const given = options.dataDir;
      const dir = given ? path.resolve(cwd, given) : undefined;
      try {
        return createCatalogServer(await loadCatalog(dir));
      } catch (error) {
        // Named as the user gave it (never this machine's absolute path), one line, exit 2.
        const code = (error as NodeJS.ErrnoException).code;
        const what =
          code === 'ENOENT' || code === 'ENOTDIR'
            ? `the data folder "${given}" does not exist or lacks customers.json and products.json`
            : `the data folder "${given ?? '(built-in)'}" holds unreadable data: ${
                code ?? (error instanceof SyntaxError ? 'invalid JSON' : 'records of the wrong shape')
              }`;
        throw new OptionsError('catalog', [{ option: '', path: [], message: what }]);
      }
    },
  }),
  declareServer({
    name: 'calculator',
    description: "The seed's minimal server: add(a, b)",
    options: none,
    writes: 'off',
    async create() {
      const { createCalculatorServer } = await import('./calculator/server.js');
      return createCalculatorServer();
    },
  }),
  declareServer({
    name: 'code-review',
    description: "The seed's code_review prompt (file_path, focus_areas)",
    options: none,
    writes: 'off',
    async create() {
      const { createCodeReviewServer } = await import('./code-review/prompt.js');
      return createCodeReviewServer();
    },
  }),
];
