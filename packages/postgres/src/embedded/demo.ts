import { readFile } from 'node:fs/promises';
import type { DemoData } from './open.js';

/** The demo rows of a new embedded database: the seed's customers and products, shipped in demo/. */
export async function loadDemoData(): Promise<DemoData> {
  const dir = new URL('../../demo/', import.meta.url); // src/ and dist/ sit at the same depth
  const [customers, products] = await Promise.all(
    ['customers.json', 'products.json'].map(async (file) =>
      JSON.parse(await readFile(new URL(file, dir), 'utf8')),
    ),
  );
  return { customers, products };
}
