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

  private holds = 0;
  private heldSince = 0;
  private heldBefore = 0;

  /** Stops the call's clock while it waits on the client (a question to the user); returns the release. */
  hold(): () => void {
    if (this.holds++ === 0) this.heldSince = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) this.heldBefore += Date.now() - this.heldSince;
    };
  }

  /** Whether the call is waiting on the client right now. */
  get held(): boolean {
    return this.holds > 0;
  }

  /** Time spent waiting on the client so far (ms); the time limit does not count it. */
  get heldMs(): number {
    return this.heldBefore + (this.holds ? Date.now() - this.heldSince : 0);
  }

  abort(reason: unknown): void {
    this.callSignal.abort(reason);
  }
}
