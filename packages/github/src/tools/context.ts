import { annotations, defineTool, structured, type ToolDefinition } from '@mcpkit/core';
import * as z from 'zod';
import { type GhContext, joinLines, row } from './shared.js';

export function contextTools(gh: GhContext): ToolDefinition[] {
  return [
    defineTool({
      name: 'get_me',
      title: 'Who am I on GitHub',
      description:
        "The GitHub account the server's token belongs to: login, name, plan, and the token's scopes " +
        'when it is a classic token.',
      input: z.object({}),
      annotations: annotations.readOnlyOpen,
      cache: false,
      async handler(_input, ctx) {
        const me = await gh.api.me(ctx);
        return structured(
          me,
          joinLines(
            row(
              `${me.login}${me.name ? ` (${me.name})` : ''}`,
              me.type,
              me.plan && `plan ${me.plan}`,
              `${me.publicRepos} public repositories`,
            ),
            me.tokenScopes
              ? `token scopes: ${me.tokenScopes.join(', ') || 'none'}`
              : 'fine-grained token (no scope list)',
          ),
        );
      },
    }),
  ];
}
