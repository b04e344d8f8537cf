import { connect, ERAS, resultText } from '@mcpkit/core/testing';
import { describe, expect, it } from 'vitest';
import { createCalculatorServer } from './server.js';

describe.each(ERAS)('calculator over the %s era', (era) => {
  it('adds two numbers, with structured output', async () => {
    const client = await connect(createCalculatorServer(), { era });
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
      const result = await client.callTool({ name: 'add', arguments: { a: 2.5, b: -7 } });
      expect(result.structuredContent).toEqual({ sum: -4.5 });
      expect(resultText(result)).toBe('-4.5');
      const bad = await client.callTool({ name: 'add', arguments: { a: '2', b: 3 } });
      expect(bad.isError).toBe(true);
      expect(resultText(bad)).toMatch(/a: Invalid input: expected number/);
    } finally {
      await client.close();
    }
  });
});
