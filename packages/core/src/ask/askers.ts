import type { ClientCapabilities, ServerContext } from '@modelcontextprotocol/server';
import { answers } from './questions.js';
import { type Asker, type AskKind, ClientCannotAnswerError, type Question } from './types.js';

/** How long a 2025-era client may take to answer (a human may be reading a form). */
const ANSWER_TIMEOUT_MS = 10 * 60_000;

const declares = (capabilities: ClientCapabilities | undefined, kind: AskKind) =>
  Boolean(capabilities && (capabilities as Record<string, unknown>)[kind]);

/** Where nothing can be asked (resource listings, completions). */
export const NO_ASKING: Asker = {
  can: () => false,
  ask: (question) => Promise.reject(new ClientCannotAnswerError(question.kind)),
};

/** 2025 era: each question is a request to the client on the live connection, awaited. */
export class PushAsker implements Asker {
  constructor(
    private readonly sdk: ServerContext,
    private readonly capabilities: () => ClientCapabilities | undefined,
    private readonly listRoots: (options: { signal: AbortSignal; timeout: number }) => Promise<unknown>,
    private readonly signal: () => AbortSignal,
    /** Stops the call's clock while the client answers (a person may take minutes). */
    private readonly hold: () => () => void = () => () => {},
  ) {}

  can(kind: AskKind): boolean {
    return declares(this.capabilities(), kind);
  }

  /** Answers to keyed questions, so asking again with the same key does not ask the user twice. */
  private readonly answered = new Map<string, unknown>();

  async ask(question: Question, key: string | undefined): Promise<unknown> {
    if (key !== undefined && this.answered.has(key)) return this.answered.get(key);
    const release = this.hold();
    let answer: unknown;
    try {
      answer = await this.request(question);
    } finally {
      release();
    }
    if (key !== undefined) this.answered.set(key, answer);
    return answer;
  }

  private async request(question: Question): Promise<unknown> {
    if (!this.can(question.kind)) throw new ClientCannotAnswerError(question.kind);
    const options = { signal: this.signal(), timeout: ANSWER_TIMEOUT_MS, resetTimeoutOnProgress: true };
    if (question.method === 'elicitation/create') {
      return this.sdk.mcpReq.elicitInput(question.params as any, options);
    }
    if (question.method === 'sampling/createMessage') {
      return this.sdk.mcpReq.requestSampling(question.params as any, options);
    }
    return this.listRoots(options);
  }
}

/** Thrown (asynchronously) out of an unanswered 2026-07-28 question; the runtime turns it into input_required. */
export class InputRequiredSignal extends Error {
  override readonly name = 'InputRequiredSignal';
  constructor() {
    super('The client has not answered yet: the call returns input_required');
  }
}

/**
 * 2026-07-28: the handler runs again on each retry of the request. A question whose answer came
 * back (in a verified earlier round) resolves at once; the others are collected and the call
 * answers input_required with all of them, so questions asked together go out together.
 */
export class RoundTripAsker implements Asker {
  readonly pending = new Map<string, { method: string; params: Record<string, unknown> }>();
  private position = 0;

  constructor(
    private readonly capabilities: ClientCapabilities | undefined,
    readonly known: Record<string, unknown>,
  ) {}

  can(kind: AskKind): boolean {
    return declares(this.capabilities, kind);
  }

  ask(question: Question, key: string | undefined): Promise<unknown> {
    const name = key ?? `ask_${++this.position}`;
    // A question the client cannot answer goes out all the same: the SDK answers the request
    // with 2026-07-28's own error for it (MissingRequiredClientCapability, -32021, HTTP 400).
    if (Object.hasOwn(this.known, name) && answers(question, this.known[name])) {
      return Promise.resolve(this.known[name]);
    }
    this.pending.set(name, { method: question.method, params: question.params });
    // Rejected on the next turn, so questions asked together (Promise.all) are all collected.
    return new Promise((_, reject) => setImmediate(() => reject(new InputRequiredSignal())));
  }
}
