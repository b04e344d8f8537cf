import type { CallToolResult } from '@modelcontextprotocol/server';
import { CONFIRM_KEY } from '../ask/types.js';
import type { HandlerContext } from '../define/context.js';
import type { ToolDefinition } from '../define/tool.js';

/**
 * Confirmation of destructive calls: before a tool that may destroy data runs, the user is
 * asked through elicitation. `withoutElicitation` says what happens when the client cannot ask:
 * the call is refused (default) or proceeds.
 */
export interface ConfirmPolicy {
  tools: 'destructive';
  withoutElicitation?: 'refuse' | 'proceed';
}

/** `'destructive'` is `{ tools: 'destructive', withoutElicitation: 'refuse' }`. */
export type ConfirmOption = 'off' | 'destructive' | ConfirmPolicy;

export function confirmPolicyOf(option: ConfirmOption | undefined): ConfirmPolicy | undefined {
  if (!option || option === 'off') return undefined;
  return option === 'destructive' ? { tools: 'destructive' } : option;
}

/**
 * A tool that may destroy data, as the MCP annotations say: not read-only and not marked
 * `destructiveHint: false` (the spec's default for a tool that writes is destructive).
 */
export function isDestructiveTool(tool: ToolDefinition): boolean {
  return tool.annotations?.readOnlyHint !== true && tool.annotations?.destructiveHint !== false;
}

const MAX_SHOWN_ARGUMENTS = 600;

/**
 * Asks the user to confirm one call. Returns undefined to go on, or the result that ends the
 * call (declined, or a client that cannot ask under the refuse policy).
 */
export async function confirmCall(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  ctx: HandlerContext,
  policy: ConfirmPolicy,
): Promise<CallToolResult | undefined> {
  if (!isDestructiveTool(tool)) return undefined;
  const name = ctx.servedName(tool.name);
  if (!ctx.canAsk('elicitation')) {
    if (policy.withoutElicitation === 'proceed') return undefined;
    return refusal(
      `${name} was not run: this server asks the user to confirm calls that may change or delete ` +
        'data, and this client cannot show the question (no elicitation support). Nothing was changed. ' +
        'Ask the user to run it from a client that supports elicitation, or to turn confirmation off.',
    );
  }
  let shown = JSON.stringify(input);
  if (shown.length > MAX_SHOWN_ARGUMENTS) shown = `${shown.slice(0, MAX_SHOWN_ARGUMENTS)}…`;
  const answer = await ctx.elicit({
    key: CONFIRM_KEY,
    message: `Allow ${name} to run? It may change or delete data.\nArguments: ${shown}`,
    schema: {
      type: 'object',
      properties: { confirm: { type: 'boolean', title: `Run ${name}`, default: false } },
      required: ['confirm'],
    },
  });
  if (answer.action === 'accept' && answer.content.confirm === true) return undefined;
  return refusal(
    `${name} was not run: the user did not confirm it. Nothing was changed; ` +
      'do not retry unless the user asks for it.',
  );
}

const refusal = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });
