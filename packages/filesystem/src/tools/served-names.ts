import { type HandlerContext, isToolError, type ToolDefinition } from '@mcpkit/core';

/** The tools this server's messages send a model to, after "call", "use" or "or". */
const NAMED = /\b(call|use|or) (list_allowed_directories|read_text_file|get_file_info)\b/g;

/**
 * A message with the tools it names as they are served: mounted under a namespace (`files`), the
 * model must call `files_list_allowed_directories`, not `list_allowed_directories`.
 */
export function withServedNames(text: string, ctx: Pick<HandlerContext, 'servedName'>): string {
  return text.replace(NAMED, (_, verb: string, name: string) => `${verb} ${ctx.servedName(name)}`);
}

/**
 * The tool, its refusals (thrown deep in the sandbox, where the served name is not known)
 * reworded with served names on their way out.
 */
export function servedNamesInErrors(tool: ToolDefinition): ToolDefinition {
  const handler = tool.handler;
  return Object.freeze({
    ...tool,
    handler: async (input: never, ctx: HandlerContext) => {
      try {
        return await handler(input, ctx);
      } catch (error) {
        if (isToolError(error)) error.message = withServedNames(error.message, ctx);
        throw error;
      }
    },
  }) as ToolDefinition;
}
