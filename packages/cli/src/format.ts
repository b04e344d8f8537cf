import type { CallToolResult, Tool } from '@modelcontextprotocol/client';

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
}

/** A compact, readable listing: one block per tool with its arguments. */
export function formatTools(tools: Tool[]): string {
  if (tools.length === 0) return '(no tools)';
  return tools
    .map((tool) => {
      const hints = [
        tool.annotations?.readOnlyHint ? 'read-only' : undefined,
        tool.annotations?.destructiveHint ? 'destructive' : undefined,
      ].filter(Boolean);
      const head = `${tool.name}${hints.length ? `  [${hints.join(', ')}]` : ''}`;
      const description = tool.description ? `\n  ${tool.description.replace(/\n/g, '\n  ')}` : '';
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchemaProperty>;
      const required = new Set(tool.inputSchema.required ?? []);
      const args = Object.entries(properties).map(([name, p]) => {
        const type = p.enum
          ? p.enum.map((e) => JSON.stringify(e)).join('|')
          : [p.type].flat().join('|') || 'any';
        const extra = [
          required.has(name) ? 'required' : 'optional',
          p.default !== undefined ? `default ${JSON.stringify(p.default)}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        return `\n    ${name}: ${type} (${extra})${p.description ? ` - ${p.description}` : ''}`;
      });
      return head + description + args.join('');
    })
    .join('\n\n');
}

/** The result's text blocks (what a model reads); other blocks are summarised. */
export function formatResult(result: CallToolResult): string {
  const parts = (result.content ?? []).map((block) => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'image':
      case 'audio':
        return `[${block.type} ${block.mimeType}, ${block.data.length} base64 chars]`;
      case 'resource':
        return 'text' in block.resource ? block.resource.text : `[resource ${block.resource.uri}]`;
      case 'resource_link':
        return `[link ${block.uri}]`;
      default:
        return JSON.stringify(block);
    }
  });
  if (parts.length === 0 && result.structuredContent)
    return JSON.stringify(result.structuredContent, null, 2);
  return parts.join('\n');
}
