import { createHash, randomBytes } from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  createRequestStateCodec,
  type InputRequiredResult,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { ToolError } from '../errors/tool-error.js';
import { RoundTripAsker } from './askers.js';

/**
 * What one round hands the next, signed (HMAC) so the client cannot alter it: who asked, which
 * call with which arguments, the answers so far, and the questions now open. Only answers to
 * open questions are taken from a retry, so a client cannot answer what was never asked
 * (a confirmation it was not shown, say).
 */
interface RoundState {
  /** principal */
  p: string;
  /** `tool:name`, `prompt:name` or `resource:name` */
  n: string;
  /** fingerprint of the arguments (or URI) */
  h: string;
  /** answers so far, by question key */
  a: Record<string, unknown>;
  /** open question keys */
  q: string[];
}

/** Largest request state: answers ride in it, and a client must send it back on every retry. */
const MAX_STATE_CHARS = 256 * 1024;

const INVALID_STATE = () =>
  new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', {
    reason: 'invalid_request_state',
  });

export interface RoundTripOptions {
  /**
   * The HMAC key that signs request state (>= 32 bytes). Random per process by default; give
   * the same key to every node when several serve one endpoint behind a load balancer.
   */
  key?: Uint8Array | string;
  /** How long a client may take to answer, in seconds (default 600). */
  ttlSeconds?: number;
}

/** One call as the state binds it. */
export interface RoundCall {
  principal: string;
  name: string;
  input: unknown;
}

/** The 2026-07-28 side of asking: each call's asker from the verified state, and the round's answer. */
export class RoundTrips {
  private readonly codec: RequestStateCodec<RoundState>;

  constructor(options: RoundTripOptions = {}) {
    this.codec = createRequestStateCodec<RoundState>({
      key: options.key ?? randomBytes(32),
      ttlSeconds: options.ttlSeconds ?? 600,
    });
  }

  /** For `ServerOptions.requestState.verify`: the SDK refuses a bad state before any handler runs. */
  get verify(): (state: string, ctx: ServerContext) => Promise<RoundState> {
    return this.codec.verify;
  }

  /** The asker of one call: the answers of earlier rounds, once the state is shown to belong to it. */
  begin(sdk: ServerContext, call: RoundCall): RoundTripAsker {
    const envelope = sdk.mcpReq.envelope as Record<string, unknown> | undefined;
    const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
    const state = sdk.mcpReq.requestState<RoundState>();
    if (state === undefined) return new RoundTripAsker(capabilities, {});
    if (
      typeof state !== 'object' ||
      state === null ||
      state.p !== call.principal ||
      state.n !== call.name ||
      state.h !== fingerprint(call.input) ||
      !Array.isArray(state.q)
    ) {
      throw INVALID_STATE();
    }
    const known: Record<string, unknown> = { ...state.a };
    const responses = (sdk.mcpReq.inputResponses ?? {}) as Record<string, unknown>;
    for (const key of state.q) if (Object.hasOwn(responses, key)) known[key] = responses[key];
    return new RoundTripAsker(capabilities, known);
  }

  /** Runs one round: the outcome, or input_required with every open question and the new state. */
  async run<T>(
    asker: RoundTripAsker,
    call: RoundCall,
    handler: () => Promise<T>,
  ): Promise<T | InputRequiredResult> {
    let outcome: T;
    try {
      outcome = await handler();
    } catch (error) {
      // An open question is why the handler stopped (InputRequiredSignal), or it failed anyway.
      if (!asker.pending.size) throw error;
      return this.inputRequired(asker, call);
    }
    // A handler that caught the signal itself still has questions open: those win.
    return asker.pending.size ? this.inputRequired(asker, call) : outcome;
  }

  private async inputRequired(asker: RoundTripAsker, call: RoundCall): Promise<InputRequiredResult> {
    const state: RoundState = {
      p: call.principal,
      n: call.name,
      h: fingerprint(call.input),
      a: asker.known,
      q: [...asker.pending.keys()],
    };
    const requestState = await this.codec.mint(state);
    if (requestState.length > MAX_STATE_CHARS) {
      throw new ToolError('The answers collected for this call are too large to carry to the next round');
    }
    return inputRequired({ inputRequests: Object.fromEntries(asker.pending) as any, requestState });
  }
}

function fingerprint(input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(input ?? null))
    .digest('base64url')
    .slice(0, 22);
}
