import type { CallToolResult, ContentBlock, ReadResourceResult } from '@modelcontextprotocol/server';
import { ToolError } from '../errors/tool-error.js';
import { byteLength, formatBytes, truncateUtf8 } from '../output/truncate.js';
import type { Middleware } from './types.js';

export interface OutputLimitOptions {
  /** Most bytes of content one result may carry (text, base64 data, structured JSON together). */
  maxBytes: number;
}

/** Hosts' clients drop replies over 10 MiB and models have far less room: 256 KiB by default. */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * The safety net behind each tool's own bounds: a result over the limit is cut to fit, on a
 * character boundary, with a note saying how much was left out and how to get the rest.
 */
export function outputLimit(options: OutputLimitOptions): Middleware {
  const max = options.maxBytes;
  return (call, next) =>
    next().then((outcome) => {
      if (call.kind === 'tool') {
        return limitToolResult(outcome as CallToolResult, call.tool.maxOutputBytes ?? max, call.name);
      }
      if (call.kind === 'resource') return limitResource(outcome as ReadResourceResult, max, call.uri);
      return outcome;
    });
}

function blockSize(block: ContentBlock): number {
  switch (block.type) {
    case 'text':
      return byteLength(block.text);
    case 'image':
    case 'audio':
      return block.data.length;
    case 'resource':
      return 'text' in block.resource ? byteLength(block.resource.text) : block.resource.blob.length;
    default:
      return byteLength(JSON.stringify(block));
  }
}

const HOW_TO_GET_MORE =
  "Use the tool's paging arguments (offset/limit, cursor, head/tail, maxRows) or a narrower request to get the rest.";

export function limitToolResult(result: CallToolResult, max: number, tool: string): CallToolResult {
  const content = result.content ?? [];
  const structuredSize = result.structuredContent ? byteLength(JSON.stringify(result.structuredContent)) : 0;
  const contentSize = content.reduce((sum, block) => sum + blockSize(block), 0);
  const total = structuredSize + contentSize;
  if (total <= max) return result;
  if (structuredSize > max) {
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text: `The result of ${tool} is ${formatBytes(total)}, over the ${formatBytes(max)} output limit. ${HOW_TO_GET_MORE}`,
        },
      ],
    };
  }
  let budget = max - structuredSize;
  const kept: ContentBlock[] = [];
  const dropped: string[] = [];
  for (const block of content) {
    const size = blockSize(block);
    if (size <= budget) {
      kept.push(block);
      budget -= size;
    } else if (block.type === 'text' && budget > 0) {
      kept.push({ ...block, text: truncateUtf8(block.text, budget) });
      budget = 0;
    } else {
      // Half an image is no image: a binary block over the budget is left out whole, and named.
      if (block.type !== 'text')
        dropped.push(
          `${block.type}${'mimeType' in block ? ` (${block.mimeType})` : ''} of ${formatBytes(size)}`,
        );
      budget = 0;
    }
  }
  const shown = max - structuredSize - budget;
  const omitted = dropped.length
    ? ` Left out: ${dropped.join(', ')}; the server's output limit (--max-output, limits.maxOutputBytes) must be raised to return it.`
    : '';
  kept.push({
    type: 'text',
    text: `[Output truncated: showing ${formatBytes(shown + structuredSize)} of ${formatBytes(total)} (limit ${formatBytes(max)}). ${HOW_TO_GET_MORE}${omitted}]`,
  });
  return { ...result, content: kept };
}

function limitResource(result: ReadResourceResult, max: number, uri: string): ReadResourceResult {
  let budget = max;
  const contents = result.contents.map((item) => {
    if ('text' in item) {
      const size = byteLength(item.text);
      if (size <= budget) {
        budget -= size;
        return item;
      }
      const cut = truncateUtf8(item.text, budget);
      budget = 0;
      return {
        ...item,
        text: `${cut}\n[Truncated: ${formatBytes(byteLength(cut))} of ${formatBytes(size)} shown (limit ${formatBytes(max)}). Use the server's tools to read the rest in parts.]`,
      };
    }
    if (item.blob.length > budget) {
      throw new ToolError(
        `Resource ${uri} is ${formatBytes(item.blob.length)} encoded, over the ${formatBytes(max)} output limit. Use the server's tools to read it in parts.`,
      );
    }
    budget -= item.blob.length;
    return item;
  });
  return { ...result, contents };
}
