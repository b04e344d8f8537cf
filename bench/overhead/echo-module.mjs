// The trivial tool the overhead benchmarks serve, as an mcpkit module (echo-bare.mjs has the SDK one).
import { defineServer, defineTool, text } from '@mcpkit/core';
import * as z from 'zod';

/** The echo tool as an mcpkit module. */
export const echoModule = defineServer({
  name: 'echo-mcpkit',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'echo',
      description: 'Echo the text back',
      input: z.object({ text: z.string() }),
      annotations: { readOnlyHint: true },
      handler: ({ text: value }) => text(value),
    }),
  ],
});
