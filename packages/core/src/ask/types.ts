import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import { ToolError } from '../errors/tool-error.js';

/** What a handler can ask the client for; the names are the client capabilities that allow it. */
export type AskKind = 'elicitation' | 'sampling' | 'roots';

/** A form to show the user: a message and a flat schema of primitive fields. */
export interface ElicitSpec<T extends Record<string, unknown> = Record<string, unknown>> {
  message: string;
  /**
   * A zod object of primitive fields (converted to MCP's restricted schema, and the answer
   * validated with it), or the wire JSON Schema itself (`{ type: 'object', properties }`).
   */
  schema: StandardSchemaWithJSON<any, T> | ElicitRequestFormParams['requestedSchema'];
  /**
   * Names this question on the wire (2026-07-28 `inputRequests` key). Defaults to its position
   * among the call's questions; give one when the key is part of a contract.
   */
  key?: string;
}

/** The user's answer: the form's content when accepted; nothing when declined or dismissed. */
export type ElicitAnswer<T extends Record<string, unknown> = Record<string, unknown>> =
  | { action: 'accept'; content: T }
  | { action: 'decline' }
  | { action: 'cancel' };

/** A sampling request (`sampling/createMessage`), with an optional wire key. */
export type SampleSpec = CreateMessageRequestParams & { key?: string };
export type SampleAnswer = CreateMessageResult;

/** A root the client offers, as roots/list gives it (`file://` URIs). */
export interface ClientRoot {
  uri: string;
  name?: string;
}

/**
 * The client cannot answer what the handler asked: it did not declare the capability. Reaches
 * the model as an `isError` result naming what is missing.
 */
export class ClientCannotAnswerError extends ToolError {
  constructor(readonly kind: AskKind) {
    super(
      `This client cannot answer ${WHAT[kind]}: it did not declare the "${kind}" capability. ` +
        'Use a client that supports it, or call the tool with everything it needs in its arguments.',
      { code: -32021, data: { requiredCapability: kind } },
    );
  }
}

const WHAT: Record<AskKind, string> = {
  elicitation: 'questions to the user (elicitation)',
  sampling: 'requests for a model completion (sampling)',
  roots: 'a request for its roots',
};

/** The wire key of the confirmation question (the confirmation policy's). */
export const CONFIRM_KEY = 'mcpkit_confirm';

/** A question a handler asks, ready for either era. */
export interface Question {
  kind: AskKind;
  /** The wire request: method and params, as embedded in `inputRequests` or sent as a request. */
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  params: Record<string, unknown>;
  /** Validates an accepted elicitation's content (zod schemas); absent for raw JSON Schemas. */
  validate?: (content: unknown) => Record<string, unknown> | undefined;
}

/**
 * How one call asks the client: by requests on the connection (2025 era) or by returning
 * input_required and reading the answers from the retried request (2026-07-28).
 */
export interface Asker {
  can(kind: AskKind): boolean;
  ask(question: Question, key: string | undefined): Promise<unknown>;
}
