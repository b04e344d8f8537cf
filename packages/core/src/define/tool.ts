import type { CallToolResult, StandardSchemaWithJSON, ToolAnnotations } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import type { HandlerContext } from './context.js';

/**
 * A tool's input: a zod object, or a JSON Schema known only at run time (an OpenAPI operation, an
 * upstream server's tool) wrapped by `jsonSchema()`, which the SDK validates with Ajv.
 */
export type ToolInputSchema = z.ZodObject<z.ZodRawShape> | StandardSchemaWithJSON<any, any>;
export type ToolOutputSchema = z.ZodObject<z.ZodRawShape> | StandardSchemaWithJSON<any, any>;

/** The handler's input type for a schema of either kind. */
export type InputOf<I> = I extends z.ZodType
  ? z.output<I>
  : I extends StandardSchemaWithJSON<any, infer O>
    ? O
    : Record<string, unknown>;

/** Whether a tool's calls may run as tasks. */
export type TaskSupport = 'never' | 'optional' | 'required';

/** What a tool handler returns: an MCP CallToolResult (see `text`, `structured`, `toolError`). */
export type ToolResult = CallToolResult;

export interface ToolSpec<I extends ToolInputSchema, O extends ToolOutputSchema | undefined> {
  /** Letters, digits, `_`, `-`, `.`; 1..64 characters, so a namespace prefix still fits the spec's 128. */
  name: string;
  title?: string;
  /** What the tool does, its limits, and how to page: the only manual the model reads. */
  description: string;
  input?: I;
  output?: O;
  annotations?: ToolAnnotations;
  /** Set false to keep this read-only tool out of the response cache (results that must be fresh). */
  cache?: boolean;
  /** Overrides the server-wide timeout for this tool. */
  timeoutMs?: number;
  /**
   * Overrides the server-wide output limit for this tool, for tools whose results are bounded
   * by their own option (an image up to the server's media cap, say).
   */
  maxOutputBytes?: number;
  /** OAuth scopes a caller needs to see and call this tool over authenticated HTTP. */
  scopes?: string[];
  /**
   * Whether a call may run as a task (the Tasks extension, 2026-07-28): `optional` runs as a task
   * for clients that support tasks and at once for others; `required` refuses clients without
   * task support; `never` (default) always answers at once. For calls that can take long.
   */
  taskSupport?: TaskSupport;
  /**
   * Questions to settle before the call starts (before a task is created, for a task): a
   * 2026-07-28 client answers them in input_required rounds first. The handler gets the same
   * answers when it asks again with the same `key`, so it can simply ask.
   */
  prepare?: (input: InputOf<I>, ctx: HandlerContext) => Promise<void> | void;
  handler: (input: InputOf<I>, ctx: HandlerContext) => Promise<ToolResult> | ToolResult;
}

/** A tool with its types erased, as held by a server module. */
export interface ToolDefinition {
  readonly kind: 'tool';
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly input?: ToolInputSchema;
  readonly output?: ToolOutputSchema;
  readonly annotations?: ToolAnnotations;
  readonly cache?: boolean;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;

  readonly scopes?: string[];
  readonly taskSupport?: TaskSupport;
  readonly prepare?: (input: any, ctx: HandlerContext) => Promise<void> | void;
  /** Set by compose: the namespace prefix this tool is served under (`fs_`). */
  readonly servedPrefix?: string;
  readonly handler: (input: any, ctx: HandlerContext) => Promise<ToolResult> | ToolResult;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new TypeError(`Invalid ${kind} name "${name}": use 1-64 letters, digits, "_", "-" or "."`);
  }
}

/** Defines a tool: a zod input schema, an optional output schema, annotations and a handler. */
export function defineTool<I extends ToolInputSchema, O extends ToolOutputSchema | undefined = undefined>(
  spec: ToolSpec<I, O>,
): ToolDefinition {
  assertName('tool', spec.name);
  if (!spec.description?.trim()) throw new TypeError(`Tool "${spec.name}" needs a description`);
  return Object.freeze({ kind: 'tool' as const, ...spec });
}

/** True when the tool declares it changes nothing (readOnlyHint), the test read-only mode uses. */
export function isReadOnlyTool(tool: ToolDefinition): boolean {
  return tool.annotations?.readOnlyHint === true;
}
