import { annotations, defineServer, defineTool, type ServerModule, structured } from '@mcpkit/core';
import * as z from 'zod';
import { VERSION } from '../version.js';

export const addTool = defineTool({
  name: 'add',
  title: 'Add two numbers',
  description: 'Add two numbers and return their sum.',
  input: z.object({ a: z.number().describe('First addend'), b: z.number().describe('Second addend') }),
  output: z.object({ sum: z.number() }),
  annotations: annotations.readOnly,
  handler: ({ a, b }) => {
    const sum = a + b;
    return structured({ sum }, String(sum));
  },
});

/** The seed's minimal server: one tool. */
export function createCalculatorServer(): ServerModule {
  return defineServer({ name: 'calculator', version: VERSION, tools: [addTool] });
}
