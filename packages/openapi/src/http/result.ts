import type { JsonObject } from '../spec/types.js';

/** A tool result in MCP's shape (CallToolResult), built without the SDK so it is plain data. */
export type ResultContent =
  | { type: 'text'; text: string }
  | { type: 'resource_link'; uri: string; name: string; mimeType?: string; size?: number };

export interface ToolResult {
  content: ResultContent[];
  structuredContent?: JsonObject;
  isError?: boolean;
}

export function errorResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

export function textResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }] };
}
