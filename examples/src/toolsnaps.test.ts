import { fileURLToPath } from 'node:url';
import { checkToolSnapshots, connect } from '@mcpkit/core/testing';
import { describe, it } from 'vitest';
import { createCalculatorServer } from './calculator/server.js';
import { loadCatalog } from './catalog/data.js';
import { createCatalogServer } from './catalog/server.js';

describe('tool schema snapshots', () => {
  it.each([
    ['catalog', async () => createCatalogServer(await loadCatalog())],
    ['calculator', async () => createCalculatorServer()],
  ])('%s tools match __toolsnaps__', async (name, create) => {
    const client = await connect(await create());
    try {
      const { tools } = await client.listTools();
      checkToolSnapshots(tools, fileURLToPath(new URL(`./__toolsnaps__/${name}`, import.meta.url)));
    } finally {
      await client.close();
    }
  });
});
