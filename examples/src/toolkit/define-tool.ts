/**
 * defineTool: a tool is a plain object. Its zod input schema is what clients see in tools/list
 * and what the SDK validates before the handler runs; its output schema types and checks
 * `structuredContent`; its annotations tell clients (and the `--read-only` policy) what it does.
 * The handler gets the parsed input and a context (`signal`, `progress`, `log`, `principal`).
 */
import { defineServer, defineTool, structured, toolError } from '@mcpkit/core';
import * as z from 'zod';

const stock = new Map([
  ['P-001', 12],
  ['P-002', 0],
]);

export const checkStock = defineTool({
  name: 'check_stock',
  title: 'Check stock',
  // The description is the model's only manual: what the tool does and what a bad input means.
  description: 'Units in stock for one product id (like P-001). An unknown id is an error.',
  input: z.object({
    product_id: z
      .string()
      .regex(/^P-\d{3}$/)
      .describe('Product id, e.g. P-001'),
  }),
  output: z.object({ product_id: z.string(), units: z.number().int() }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: ({ product_id }, ctx) => {
    ctx.log.debug('stock lookup', { product_id });
    const units = stock.get(product_id);
    // A failure the model can act on: an isError result saying what to change, not an exception.
    if (units === undefined) return toolError(`No product "${product_id}": ids are listed by the catalog.`);
    // Structured output for programs, plus the short text a model reads.
    return structured({ product_id, units }, `${product_id}: ${units} in stock`);
  },
});

/** A server module: plain data, served alone, composed with others, or tested in memory. */
export const inventory = defineServer({ name: 'inventory', version: '1.0.0', tools: [checkStock] });
