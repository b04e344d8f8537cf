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
import { CONFIRM_KEY } from './types.js';

/** Questions whose answer is taken only in reply to this server's own signed round. */
const SOLICITED_ONLY = new Set([CONFIRM_KEY]);

/**
 * What one round hands the next, signed (HMAC) so the client cannot alter it: who asked, which
 * call with which arguments, the answers so far, and the questions now open. Only answers to
 * open questions are taken from a retry, so a client cannot answer what was never asked
 * (a confirmation it was not shown, say). A first round may carry answers up front (the
 * client knows what the tool asks); a confirmation is never taken that way.
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

const INVALID = {};
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

  /**
   * For `ServerOptions.requestState.verify` of an instance serving `principal`: the SDK refuses
   * a state that is altered, expired or another caller's (-32602) before any handler runs.
   */
  verifierFor(principal: string): (state: string, ctx: ServerContext) => Promise<RoundState> {
    return async (state, ctx) => {
      const payload = await this.codec.verify(state, ctx);
      if (payload?.p !== principal) throw new Error('bind');
      return payload;
    };
  }

  /** The asker of one call: the answers of earlier rounds, once the state is shown to belong to it. */
  async begin(sdk: ServerContext, call: RoundCall): Promise<RoundTripAsker> {
    const envelope = sdk.mcpReq.envelope as Record<string, unknown> | undefined;
    const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
    let state: unknown = sdk.mcpReq.requestState<RoundState>();
    // Verified by the SDK before the handler (the decoded payload); a raw string where its seam
    // did not run (a task's first rounds): verify it here.
    if (typeof state === 'string') state = await this.codec.verify(state, sdk).catch(() => INVALID);
    const responses = (sdk.mcpReq.inputResponses ?? {}) as Record<string, unknown>;
    if (state === undefined) {
      // A first round that already carries answers: taken, except for a confirmation, which
      // counts only when this server asked for it in a round it signed.
      const offered = Object.fromEntries(
        Object.entries(responses).filter(([key]) => !SOLICITED_ONLY.has(key)),
      );
      return new RoundTripAsker(capabilities, offered);
    }
    const verified = state as Partial<RoundState> | null;
    if (
      typeof verified !== 'object' ||
      verified === null ||
      verified === INVALID ||
      verified.p !== call.principal ||
      verified.n !== call.name ||
      verified.h !== fingerprint(call.input) ||
      !Array.isArray(verified.q)
    ) {
      throw INVALID_STATE();
    }
    const known: Record<string, unknown> = { ...verified.a };
    for (const key of verified.q as string[]) if (Object.hasOwn(responses, key)) known[key] = responses[key];
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

/** A digest of the arguments, the same whatever order a client sends their keys in. */
function fingerprint(input: unknown): string {
  const sorted = JSON.stringify(input ?? null, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return createHash('sha256').update(sorted).digest('base64url').slice(0, 22);
}
