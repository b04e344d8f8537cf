import type {
  CallToolResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
}

/** A compact, readable listing: one block per tool with its arguments. */
export function formatTools(tools: Tool[], others: readonly string[] = [], target = '<target>'): string {
  if (tools.length === 0) {
    const hint = others.map((kind) => `mcpkit ${kind} ${target}`).join(', ');
    return `(no tools${hint ? `; this server offers ${others.join(' and ')}: ${hint}` : ''})`;
  }
  return tools
    .map((tool) => {
      const hints = annotationHints(tool);
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

/**
 * What a tool may change, from its annotations as MCP defines their defaults: a tool that is not
 * read-only is taken to be destructive unless it says `destructiveHint: false`.
 */
export function annotationHints(tool: Pick<Tool, 'annotations'>): string[] {
  const a = tool.annotations ?? {};
  const hints = [a.readOnlyHint ? 'read-only' : a.destructiveHint === false ? 'writes' : 'destructive'];
  if (!a.readOnlyHint && a.idempotentHint) hints.push('idempotent');
  if (a.openWorldHint) hints.push('open world');
  return hints;
}

/** One progress notification as a line: `progress 3/10 (30%) message`. */
export function formatProgress(p: { progress: number; total?: number; message?: string }): string {
  const amount =
    p.total !== undefined && p.total > 0
      ? `${p.progress}/${p.total} (${Math.floor((100 * p.progress) / p.total)}%)`
      : `${p.progress}`;
  return `progress ${amount}${p.message ? ` ${p.message}` : ''}`;
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

/** One line per resource (URI, name, type), then the templates. */
export function formatResources(resources: Resource[], templates: ResourceTemplate[]): string {
  if (resources.length === 0 && templates.length === 0) return '(no resources)';
  const line = (head: string, r: { name: string; title?: string; mimeType?: string; description?: string }) =>
    `${head}  ${r.title ?? r.name}${r.mimeType ? ` (${r.mimeType})` : ''}${
      r.description ? `\n  ${r.description.replace(/\n/g, '\n  ')}` : ''
    }`;
  const parts = resources.map((r) => line(r.uri, r));
  if (templates.length) {
    parts.push(
      `${parts.length ? '\n' : ''}Templates (read with a URI that fits):`,
      ...templates.map((t) => line(t.uriTemplate, t)),
    );
  }
  return parts.join('\n');
}

/** A resource's text contents; binary ones summarised. */
export function formatReadResult(result: ReadResourceResult): string {
  return result.contents
    .map((c) =>
      'text' in c && typeof c.text === 'string'
        ? c.text
        : `[${c.mimeType ?? 'binary'} ${c.uri}, ${'blob' in c ? String(c.blob).length : 0} base64 chars]`,
    )
    .join('\n');
}

/** One block per prompt with its arguments. */
export function formatPrompts(prompts: Prompt[]): string {
  if (prompts.length === 0) return '(no prompts)';
  return prompts
    .map((p) => {
      const description = p.description ? `\n  ${p.description.replace(/\n/g, '\n  ')}` : '';
      const args = (p.arguments ?? []).map(
        (a) =>
          `\n    ${a.name} (${a.required ? 'required' : 'optional'})${a.description ? ` - ${a.description}` : ''}`,
      );
      return `${p.name}${description}${args.join('')}`;
    })
    .join('\n\n');
}

/** A prompt's messages, each under its role. */
export function formatPromptResult(result: GetPromptResult): string {
  return result.messages
    .map((m) => {
      const c = m.content;
      const body =
        c.type === 'text'
          ? c.text
          : c.type === 'resource'
            ? 'text' in c.resource
              ? c.resource.text
              : `[resource ${c.resource.uri}]`
            : c.type === 'resource_link'
              ? `[link ${c.uri}]`
              : `[${c.type} ${'mimeType' in c ? c.mimeType : ''}]`;
      return `[${m.role}]\n${body}`;
    })
    .join('\n\n');
}
