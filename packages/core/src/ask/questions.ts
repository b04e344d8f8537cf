import { type InputRequest, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { ToolError } from '../errors/tool-error.js';
import type { ClientRoot, ElicitAnswer, ElicitSpec, Question, SampleAnswer, SampleSpec } from './types.js';

type Standard = { '~standard': { validate(value: unknown): unknown } };
const isStandard = (schema: unknown): schema is Standard =>
  typeof schema === 'object' && schema !== null && '~standard' in schema;

/** An elicitation: a zod schema is converted by the SDK (and validates the answer); JSON Schema goes as is. */
export function elicitQuestion(spec: ElicitSpec<any>): Question {
  if (isStandard(spec.schema)) {
    const schema = spec.schema;
    const request: InputRequest = inputRequired.elicit({
      message: spec.message,
      requestedSchema: schema as any,
    });
    return {
      kind: 'elicitation',
      method: 'elicitation/create',
      params: request.params as Record<string, unknown>,
      validate: (content) => {
        const outcome = schema['~standard'].validate(content) as { value?: unknown; issues?: unknown };
        if (outcome instanceof Promise)
          throw new TypeError('elicitation schemas must validate synchronously');
        return outcome.issues ? undefined : (outcome.value as Record<string, unknown>);
      },
    };
  }
  return {
    kind: 'elicitation',
    method: 'elicitation/create',
    params: { message: spec.message, requestedSchema: spec.schema },
  };
}

export function sampleQuestion(spec: SampleSpec): Question {
  const { key: _key, ...params } = spec;
  return { kind: 'sampling', method: 'sampling/createMessage', params };
}

export const rootsQuestion = (): Question => ({ kind: 'roots', method: 'roots/list', params: {} });

/**
 * Whether `raw` answers a question of this kind (a 2026-07-28 client's `inputResponses` entry is
 * untrusted: a wrong shape counts as no answer, so the question is asked again).
 */
export function answers(question: Question, raw: unknown): boolean {
  const view = inputResponse({ answer: raw } as Record<string, unknown>, 'answer');
  if (question.kind === 'elicitation') return view.kind === 'elicit';
  if (question.kind === 'sampling') return view.kind === 'sampling';
  return view.kind === 'roots';
}

/** The user's answer to a form, its content validated by the form's own schema. */
export function readElicitAnswer(question: Question, raw: unknown): ElicitAnswer {
  const view = inputResponse({ answer: raw } as Record<string, unknown>, 'answer');
  if (view.kind !== 'elicit') throw new ToolError('The client answered the question with something else');
  if (view.action !== 'accept') return { action: view.action };
  const content = question.validate ? question.validate(view.content ?? {}) : (view.content ?? {});
  if (!content) throw new ToolError('The answer to the form does not match what it asked for');
  return { action: 'accept', content };
}

export function readSampleAnswer(raw: unknown): SampleAnswer {
  const view = inputResponse({ answer: raw } as Record<string, unknown>, 'answer');
  if (view.kind !== 'sampling')
    throw new ToolError('The client answered the sampling request with something else');
  return view.result as SampleAnswer;
}

export function readRoots(raw: unknown): ClientRoot[] {
  const view = inputResponse({ answer: raw } as Record<string, unknown>, 'answer');
  if (view.kind !== 'roots') throw new ToolError('The client answered the roots request with something else');
  return view.roots
    .filter((root) => typeof root?.uri === 'string')
    .map((root) => ({ uri: root.uri, ...(root.name ? { name: root.name } : {}) }));
}
