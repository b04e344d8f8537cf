import * as z from 'zod';
import { declareServer, defineServer, defineTool, ServerCatalog, text } from '../../src/index.js';

/** Small declared servers for config tests: the names config files use, with real option schemas. */
const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  annotations: { readOnlyHint: true },
  handler: ({ a, b }) => text(String(a + b)),
});

export const testCatalog = new ServerCatalog([
  declareServer({
    name: 'calculator',
    description: 'add(a, b)',
    options: z.object({}).strict(),
    writes: 'off',
    create: async () => defineServer({ name: 'calculator', version: '1.0.0', tools: [add] }),
  }),
  declareServer({
    name: 'catalog',
    description: 'a data folder',
    options: z.object({ dataDir: z.string().optional() }).strict(),
    args: { option: 'dataDir', synopsis: '[data-dir]' },
    paths: ['dataDir'],
    writes: 'off',
    create: async () => defineServer({ name: 'catalog', version: '1.0.0', tools: [add] }),
  }),
  declareServer({
    name: 'postgres',
    description: 'a database',
    options: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//)
          .optional(),
        maxRows: z.coerce.number().int().min(1).default(100),
      })
      .strict(),
    args: { option: 'url', synopsis: '[url]' },
    env: { url: 'DATABASE_URL' },
    writes: 'off',
    create: async () => defineServer({ name: 'postgres', version: '1.0.0', tools: [add] }),
  }),
]);
