import type { CallToolResult } from '@modelcontextprotocol/server';

/** A plain text result. */
export function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

/**
 * A structured result: `structuredContent` for programs, plus a text rendering for models
 * (compact JSON unless a rendering is given).
 */
export function structured<T extends Record<string, unknown>>(value: T, rendering?: string): CallToolResult {
  return { content: [{ type: 'text', text: rendering ?? JSON.stringify(value) }], structuredContent: value };
}

/** A failed result the model reads and can act on; say what to change in the message. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
