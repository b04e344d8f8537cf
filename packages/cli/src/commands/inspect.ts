import { createLogger, type Era } from '@mcpkit/core';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import { formatResult, formatTools } from '../format.js';
import { type ParsedArgs, remainingAsServerOptions, takeFlag, takeString } from '../options.js';
import { openTarget, type Target, targetFrom } from '../targets.js';
import { UsageError } from '../usage.js';

export const INSPECT_VALUED = new Set(['config', 'era']);

function eraOf(parsed: ParsedArgs): Era {
  const era = takeString(parsed, 'era') ?? 'legacy';
  if (era !== 'legacy' && era !== 'modern') throw new UsageError('--era must be legacy or modern');
  return era;
}

function withServerOptions(target: Target, parsed: ParsedArgs): Target {
  if (target.kind === 'builtin') return { ...target, options: remainingAsServerOptions(parsed) };
  if (parsed.options.size) throw new UsageError(`unknown option --${[...parsed.options.keys()][0]}`);
  return target;
}

/** `mcpkit tools <target>`: every tool, all pages. */
export async function tools(parsed: ParsedArgs): Promise<void> {
  const json = takeFlag(parsed, 'json');
  const era = eraOf(parsed);
  const target = withServerOptions(
    targetFrom(parsed.positionals, takeString(parsed, 'config'), parsed.rest),
    parsed,
  );
  const client = await openTarget(target, era, createLogger({ level: 'warn' }));
  try {
    const all: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      all.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    process.stdout.write(`${json ? JSON.stringify(all, null, 2) : formatTools(all)}\n`);
  } finally {
    await client.close();
  }
}

/** `mcpkit call <target> <tool> [json]` (or `mcpkit call <tool> [json] -- <command>`). */
export async function call(parsed: ParsedArgs): Promise<number> {
  const json = takeFlag(parsed, 'json');
  const era = eraOf(parsed);
  const positionals = [...parsed.positionals];
  let args: Record<string, unknown> = {};
  const last = positionals.at(-1);
  if (last !== undefined && /^\s*[[{]/.test(last)) {
    positionals.pop();
    try {
      args = JSON.parse(last);
    } catch (error) {
      throw new UsageError(`the tool arguments are not valid JSON: ${(error as Error).message}`);
    }
    if (!args || typeof args !== 'object' || Array.isArray(args))
      throw new UsageError('the tool arguments must be a JSON object');
  }
  const tool = parsed.rest ? positionals.shift() : positionals.pop();
  if (!tool) throw new UsageError('call needs a tool name: mcpkit call <target> <tool> [json-args]');
  if (parsed.rest && positionals.length)
    throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const target = withServerOptions(
    targetFrom(positionals, takeString(parsed, 'config'), parsed.rest),
    parsed,
  );
  const client = await openTarget(target, era, createLogger({ level: 'warn' }));
  try {
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    process.stdout.write(`${json ? JSON.stringify(result, null, 2) : formatResult(result)}\n`);
    return result.isError ? 1 : 0;
  } finally {
    await client.close();
  }
}
