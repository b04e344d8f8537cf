import { createLogger, type Era } from '@mcpkit/core';
import type { OwnedClient } from '@mcpkit/core/client';
import type {
  CallToolResult,
  Prompt,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';
import {
  formatProgress,
  formatPromptResult,
  formatPrompts,
  formatReadResult,
  formatResources,
  formatResult,
  formatTools,
} from '../format.js';
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

/** Opens the target the positionals (or --config / `--`) name, runs `use`, and closes it. */
async function withClient<T>(
  parsed: ParsedArgs,
  positionals: string[],
  use: (client: OwnedClient, json: boolean) => Promise<T>,
): Promise<T> {
  const json = takeFlag(parsed, 'json');
  const era = eraOf(parsed);
  const target = withServerOptions(
    targetFrom(positionals, takeString(parsed, 'config'), parsed.rest),
    parsed,
  );
  const client = await openTarget(target, era, createLogger({ level: 'warn' }));
  try {
    return await use(client, json);
  } finally {
    await client.close();
  }
}

/** Every page of a list. */
async function all<T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>) {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor);
  return items;
}

const params = (cursor?: string) => (cursor ? { cursor } : {});

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `mcpkit tools <target>`: every tool, all pages. */
export async function tools(parsed: ParsedArgs): Promise<void> {
  const config = parsed.options.get('config');
  const shown = parsed.rest
    ? `-- ${parsed.rest.join(' ')}`
    : typeof config === 'string'
      ? `--config ${config}`
      : parsed.positionals.join(' ');
  await withClient(parsed, parsed.positionals, async (client, json) => {
    const listed: Tool[] = client.getServerCapabilities()?.tools
      ? await all(async (c) => {
          const page = await client.listTools(params(c));
          return { items: page.tools, nextCursor: page.nextCursor };
        })
      : [];
    print(json ? JSON.stringify(listed, null, 2) : formatTools(listed, otherPrimitives(client), shown));
  });
}

/** `mcpkit resources <target>`: resources and resource templates, all pages. */
export async function resources(parsed: ParsedArgs): Promise<void> {
  await withClient(parsed, parsed.positionals, async (client, json) => {
    const offered = Boolean(client.getServerCapabilities()?.resources);
    const listed: Resource[] = offered
      ? await all(async (c) => {
          const page = await client.listResources(params(c));
          return { items: page.resources, nextCursor: page.nextCursor };
        })
      : [];
    const templates: ResourceTemplate[] = offered
      ? await all(async (c) => {
          const page = await client.listResourceTemplates(params(c));
          return { items: page.resourceTemplates, nextCursor: page.nextCursor };
        })
      : [];
    print(
      json
        ? JSON.stringify({ resources: listed, resourceTemplates: templates }, null, 2)
        : formatResources(listed, templates),
    );
  });
}

/** `mcpkit read <target> <uri>`. */
export async function read(parsed: ParsedArgs): Promise<number> {
  const positionals = [...parsed.positionals];
  const uri = parsed.rest ? positionals.shift() : positionals.pop();
  if (!uri || !/^[a-z][a-z0-9+.-]*:/i.test(uri))
    throw new UsageError('read needs a resource URI: mcpkit read <target> <uri> (mcpkit resources <target>)');
  if (parsed.rest && positionals.length)
    throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  return withClient(parsed, positionals, async (client, json) => {
    if (!client.getServerCapabilities()?.resources) throw new UsageError('this server offers no resources');
    const result = await client.readResource({ uri });
    print(json ? JSON.stringify(result, null, 2) : formatReadResult(result));
    return 0;
  });
}

/** `mcpkit prompts <target>`: every prompt, all pages. */
export async function prompts(parsed: ParsedArgs): Promise<void> {
  await withClient(parsed, parsed.positionals, async (client, json) => {
    const listed: Prompt[] = client.getServerCapabilities()?.prompts
      ? await all(async (c) => {
          const page = await client.listPrompts(params(c));
          return { items: page.prompts, nextCursor: page.nextCursor };
        })
      : [];
    print(json ? JSON.stringify(listed, null, 2) : formatPrompts(listed));
  });
}

/** `mcpkit prompt <target> <name> [json | name=value...]`. */
export async function prompt(parsed: ParsedArgs): Promise<number> {
  const { name, args, pairs, positionals } = nameAndArguments(parsed, 'prompt', '<name>');
  return withClient(parsed, positionals, async (client, json) => {
    if (!client.getServerCapabilities()?.prompts) throw new UsageError('this server offers no prompts');
    // Prompt arguments are strings by definition.
    const result = await client.getPrompt({ name, arguments: { ...stringsOf(args), ...pairs } });
    print(json ? JSON.stringify(result, null, 2) : formatPromptResult(result));
    return 0;
  });
}

/** `mcpkit call <target> <tool> [json | name=value...]` (or `mcpkit call <tool> [json] -- <command>`). */
export async function call(parsed: ParsedArgs): Promise<number> {
  const { name, args, pairs, positionals } = nameAndArguments(parsed, 'call', '<tool>');
  return withClient(parsed, positionals, async (client, json) => {
    let input = args;
    if (Object.keys(pairs).length) input = { ...args, ...(await typedPairs(client, name, pairs)) };
    // Long calls report progress: one line each on stderr (rewritten in place on a terminal).
    const tty = process.stderr.isTTY;
    let shown = false;
    const onprogress = (p: { progress: number; total?: number; message?: string }) => {
      process.stderr.write(tty ? `\r\x1b[2K${formatProgress(p)}` : `${formatProgress(p)}\n`);
      shown = true;
    };
    const result = (await client
      .callTool({ name, arguments: input }, { onprogress, resetTimeoutOnProgress: true })
      .finally(() => {
        if (tty && shown) process.stderr.write('\n');
      })) as CallToolResult;
    print(json ? JSON.stringify(result, null, 2) : formatResult(result));
    return result.isError ? 1 : 0;
  });
}

const PAIR = /^([A-Za-z_][\w.-]*)=([\s\S]*)$/;

/** The tool/prompt name and its arguments: a JSON object last, or `name=value` words after the name. */
function nameAndArguments(parsed: ParsedArgs, command: string, what: string) {
  const positionals = [...parsed.positionals];
  let args: Record<string, unknown> = {};
  const pairs: Record<string, string> = {};
  const last = positionals.at(-1);
  if (last !== undefined && /^\s*[[{]/.test(last)) {
    positionals.pop();
    try {
      args = JSON.parse(last);
    } catch (error) {
      throw new UsageError(`the ${command} arguments are not valid JSON: ${(error as Error).message}`);
    }
    if (!args || typeof args !== 'object' || Array.isArray(args))
      throw new UsageError(`the ${command} arguments must be a JSON object`);
  } else if (parsed.rest) {
    // `mcpkit call <tool> a=1 -- cmd`: everything after the name is an argument.
    for (const word of positionals.splice(1)) addPair(pairs, word, command);
  } else {
    const words: string[] = [];
    while (positionals.length > 1 && PAIR.test(positionals.at(-1)!)) words.unshift(positionals.pop()!);
    for (const word of words) addPair(pairs, word, command);
  }
  // Without --config or `--`, the first word is the target: a lone word names no tool or prompt.
  const lone = !parsed.rest && !parsed.options.has('config') && positionals.length < 2;
  const name = lone ? undefined : parsed.rest ? positionals.shift() : positionals.pop();
  if (!name || PAIR.test(name))
    throw new UsageError(`${command} needs a name: mcpkit ${command} <target> ${what} [json-args]`);
  if (parsed.rest && positionals.length)
    throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  return { name, args, pairs, positionals };
}

function addPair(pairs: Record<string, string>, word: string, command: string): void {
  const match = PAIR.exec(word);
  if (!match) throw new UsageError(`the ${command} arguments: "${word}" is not name=value`);
  pairs[match[1]!] = match[2]!;
}

function stringsOf(args: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** `name=value` words typed by the tool's input schema: a value stays a string where one is wanted. */
async function typedPairs(client: OwnedClient, tool: string, pairs: Record<string, string>) {
  let schema: Tool['inputSchema'] | undefined;
  if (client.getServerCapabilities()?.tools) {
    let cursor: string | undefined;
    do {
      const page = await client.listTools(params(cursor));
      schema = page.tools.find((t) => t.name === tool)?.inputSchema;
      cursor = schema ? undefined : page.nextCursor;
    } while (cursor);
  }
  const properties = (schema?.properties ?? {}) as Record<string, { type?: unknown; anyOf?: unknown }>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(pairs)) {
    const wantsString = JSON.stringify(properties[name] ?? {}).includes('"type":"string"');
    const declared = name in properties;
    if (declared && wantsString && !/^(\{|\[)/.test(value.trim())) out[name] = value;
    else {
      try {
        out[name] = JSON.parse(value);
      } catch {
        out[name] = value;
      }
    }
  }
  return out;
}

/** What else a server offers, for a listing that came out empty. */
function otherPrimitives(client: OwnedClient): string[] {
  const capabilities = client.getServerCapabilities() ?? {};
  return (['resources', 'prompts'] as const).filter((k) => capabilities[k]);
}
