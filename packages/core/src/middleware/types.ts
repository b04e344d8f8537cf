import type {
  AuthInfo,
  CallToolResult,
  GetPromptResult,
  ReadResourceResult,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { Era } from '../define/context.js';
import type { PromptDefinition } from '../define/prompt.js';
import type { ResourceDefinition, ResourceTemplateDefinition } from '../define/resource.js';
import type { ToolDefinition } from '../define/tool.js';

interface CallBase {
  /** The tool or prompt name, or the resource's registered name. */
  readonly name: string;
  readonly principal: string;
  readonly auth?: AuthInfo;
  readonly era: Era;
  /** Aborted on client cancel, disconnect, or `abort()` (the timeout uses it). */
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** True while the call waits on the client (a question to the user); its clock is stopped. */
  readonly held?: boolean;
  /** Time spent waiting on the client so far (ms), which time limits do not count. */
  readonly heldMs?: number;
  readonly logger: Logger;
  readonly startedAt: number;
}

export interface ToolCall extends CallBase {
  readonly kind: 'tool';
  readonly tool: ToolDefinition;
  readonly input: Record<string, unknown>;
}

export interface ResourceCall extends CallBase {
  readonly kind: 'resource';
  readonly uri: string;
  readonly resource: ResourceDefinition | ResourceTemplateDefinition;
}

export interface PromptCall extends CallBase {
  readonly kind: 'prompt';
  readonly prompt: PromptDefinition;
  readonly input: Record<string, unknown>;
}

/** One tool call, resource read or prompt get on its way through the middleware chain. */
export type Call = ToolCall | ResourceCall | PromptCall;

export type CallOutcome = CallToolResult | ReadResourceResult | GetPromptResult;

/**
 * Middleware: `(call, next)`, around every tool call, resource read and prompt get. Return
 * `next()` to pass on, or an outcome of your own; throw to fail (a ToolError's message reaches
 * the caller as written).
 */
export type Middleware = (call: Call, next: () => Promise<CallOutcome>) => Promise<CallOutcome>;
