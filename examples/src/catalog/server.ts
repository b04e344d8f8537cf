import {
  annotations,
  defineResource,
  defineServer,
  defineTool,
  type ServerModule,
  structured,
  textContents,
  toolError,
} from '@mcpkit/core';
import * as z from 'zod';
import { codeReviewPrompt } from '../code-review/prompt.js';
import { VERSION } from '../version.js';
import { type CatalogData, CustomerSchema } from './data.js';

const MAX_LIMIT = 100;

/** The seed's catalog server: two JSON resources and two tools over them. */
export function createCatalogServer(data: CatalogData): ServerModule {
  const byId = new Map(data.products.map((p) => [p.id.toLowerCase(), p]));

  const searchCustomers = defineTool({
    name: 'search_customers',
    title: 'Search customers',
    description:
      `Search customers by name or email (case-insensitive substring). Returns at most \`limit\` ` +
      `(default 10, max ${MAX_LIMIT}) and the total number of matches.`,
    input: z.object({
      query: z
        .string()
        .min(1)
        .max(200)
        .describe('Text to find in the name or email, e.g. "john" or "@example.com"'),
      limit: z.number().int().min(1).max(MAX_LIMIT).default(10).describe('Most customers to return'),
    }),
    output: z.object({
      customers: z.array(CustomerSchema),
      total: z.number().int().describe('All matches, including those past the limit'),
    }),
    annotations: annotations.readOnly,
    handler: ({ query, limit }) => {
      const needle = query.toLowerCase();
      const matches = data.customers.filter(
        (c) => c.name.toLowerCase().includes(needle) || c.email.toLowerCase().includes(needle),
      );
      const customers = matches.slice(0, limit);
      const lines = customers.map((c) => `${c.id}  ${c.name} <${c.email}>  ${c.city}`);
      if (matches.length > customers.length) {
        lines.push(
          `… ${matches.length - customers.length} more match; raise limit (max ${MAX_LIMIT}) or refine the query.`,
        );
      }
      const rendering = matches.length ? lines.join('\n') : `No customer matches "${query}".`;
      return structured({ customers, total: matches.length }, rendering);
    },
  });

  const getProductPrice = defineTool({
    name: 'get_product_price',
    title: 'Get product price',
    description:
      'Current price of one product by its id (like P-001). Ids are listed in the catalog://products resource.',
    input: z.object({ product_id: z.string().min(1).max(64).describe('Product identifier, e.g. P-001') }),
    output: z.object({ product_id: z.string(), name: z.string(), price: z.number(), currency: z.string() }),
    annotations: annotations.readOnly,
    handler: ({ product_id }) => {
      const product = byId.get(product_id.trim().toLowerCase());
      if (!product) {
        const sample = data.products
          .slice(0, 3)
          .map((p) => p.id)
          .join(', ');
        return toolError(
          `Product "${product_id}" not found. Product ids look like ${sample}; read the catalog://products resource for all of them.`,
        );
      }
      return structured(
        { product_id: product.id, name: product.name, price: product.price, currency: product.currency },
        `${product.name} (${product.id}): ${product.price.toFixed(2)} ${product.currency}`,
      );
    },
  });

  return defineServer({
    name: 'catalog',
    version: VERSION,
    instructions:
      'A customer database and a product catalog. Use search_customers to find customers, get_product_price for prices; ' +
      'the catalog://customers and catalog://products resources hold the full data.',
    tools: [searchCustomers, getProductPrice],
    resources: [
      defineResource({
        name: 'customers',
        title: 'Customer Database',
        uri: 'catalog://customers',
        description: 'JSON file containing customer data',
        mimeType: 'application/json',
        read: (uri) => textContents(uri, data.customersJson, 'application/json'),
      }),
      defineResource({
        name: 'products',
        title: 'Product Catalog',
        uri: 'catalog://products',
        description: 'Product inventory and pricing',
        mimeType: 'application/json',
        read: (uri) => textContents(uri, data.productsJson, 'application/json'),
      }),
    ],
    prompts: [codeReviewPrompt],
  });
}
