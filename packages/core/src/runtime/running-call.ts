import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { type Era, principalOf } from '../define/context.js';
import type { PromptDefinition } from '../define/prompt.js';
import type { ResourceDefinition, ResourceTemplateDefinition } from '../define/resource.js';
import type { ToolDefinition } from '../define/tool.js';
import type { Call } from '../middleware/types.js';
import { CallSignal } from './call-signal.js';

/** What a registration knows of a call; the runtime adds the signal, logger, principal and clock. */
export type CallSeed =
  | { kind: 'tool'; name: string; tool: ToolDefinition; input: Record<string, unknown> }
  | { kind: 'resource'; name: string; uri: string; resource: ResourceDefinition | ResourceTemplateDefinition }
  | { kind: 'prompt'; name: string; prompt: PromptDefinition; input: Record<string, unknown> };

/**
 * One call in flight, as middleware sees it. A class (fields set once, the signal a prototype
 * getter) rather than an object literal per call: a trivial call's cost is mostly allocation.
 */
export class RunningCall {
  readonly kind: Call['kind'];
  readonly name: string;
  readonly tool?: ToolDefinition;
  readonly resource?: ResourceDefinition | ResourceTemplateDefinition;
  readonly prompt?: PromptDefinition;
  readonly input?: Record<string, unknown>;
  readonly uri?: string;
  readonly principal: string;
  readonly startedAt = Date.now();
  private readonly callSignal: CallSignal;

  constructor(
    seed: CallSeed,
    readonly era: Era,
    readonly auth: AuthInfo | undefined,
    readonly logger: Logger,
    request: AbortSignal,
  ) {
    this.kind = seed.kind;
    this.name = seed.name;
    if (seed.kind === 'tool') {
      this.tool = seed.tool;
      this.input = seed.input;
    } else if (seed.kind === 'resource') {
      this.resource = seed.resource;
      this.uri = seed.uri;
    } else {
      this.prompt = seed.prompt;
      this.input = seed.input;
    }
    this.principal = principalOf(auth);
    this.callSignal = new CallSignal(request);
  }

  get signal(): AbortSignal {
    return this.callSignal.signal;
  }

  abort(reason: unknown): void {
    this.callSignal.abort(reason);
  }
}
