import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

export const CustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  city: z.string(),
  since: z.string(),
});
export const ProductSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  price: z.number(),
  currency: z.string(),
  stock: z.number().int(),
});
export type Customer = z.output<typeof CustomerSchema>;
export type Product = z.output<typeof ProductSchema>;

/** The seed's data files, shipped with the examples (src/ and dist/ sit at the same depth). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface CatalogData {
  customers: Customer[];
  products: Product[];
  /** The files' text as loaded, served as the resources' contents. */
  customersJson: string;
  productsJson: string;
}

/** Loads and validates both files once; the server reads from memory afterwards. */
export async function loadCatalog(dataDir = DEFAULT_DATA_DIR): Promise<CatalogData> {
  const dir = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  const [customersJson, productsJson] = await Promise.all([
    readFile(`${dir}customers.json`, 'utf8'),
    readFile(`${dir}products.json`, 'utf8'),
  ]);
  return {
    customers: z.array(CustomerSchema).parse(JSON.parse(customersJson)),
    products: z.array(ProductSchema).parse(JSON.parse(productsJson)),
    customersJson,
    productsJson,
  };
}
