import type { GetPromptResult } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import type { HandlerContext } from './context.js';
import { assertName } from './tool.js';

/** Prompt arguments are strings on the wire; optional ones are `.optional()`. */
export type PromptArgsSchema = z.ZodObject<Record<string, z.ZodType<string | undefined>>>;

export interface PromptSpec<A extends PromptArgsSchema> {
  name: string;
  title?: string;
  description: string;
  args?: A;
  get: (args: z.output<A>, ctx: HandlerContext) => Promise<GetPromptResult> | GetPromptResult;
}

export interface PromptDefinition {
  readonly kind: 'prompt';
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly args?: PromptArgsSchema;
  /** Set by compose: the namespace prefix this prompt is served under. */
  readonly servedPrefix?: string;
  readonly get: (args: any, ctx: HandlerContext) => Promise<GetPromptResult> | GetPromptResult;
}

export function definePrompt<A extends PromptArgsSchema>(spec: PromptSpec<A>): PromptDefinition {
  assertName('prompt', spec.name);
  return Object.freeze({ kind: 'prompt' as const, ...spec });
}

/** A prompt result of one user message. */
export function userMessage(text: string, description?: string): GetPromptResult {
  return {
    ...(description ? { description } : {}),
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}
