import * as z from 'zod';
import { defineTool, text } from '../../src/index.js';

/** The smallest read-only tool: the fixture for tests about serving, not about tools. */
export function pingTool(name = 'ping', answer = 'pong') {
  return defineTool({
    name,
    description: `Answers ${answer}`,
    input: z.object({}),
    annotations: { readOnlyHint: true },
    handler: () => text(answer),
  });
}
