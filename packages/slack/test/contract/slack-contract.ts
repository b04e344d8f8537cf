// The Slack Web API description (slackapi/slack-api-specs, October 2020) as a shape oracle for the
// stand-in's answers. The spec is stale in known ways (../shared/contracts/README.md); each relaxation
// below names the part it relaxes, and everything else is checked as the spec says.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Schema = Record<string, any>;

/** Error codes the methods return today that the 2020 enums lack (all on docs.slack.dev). */
export const ERRORS_ADDED_SINCE_2020 = [
  'ratelimited',
  'invalid_cursor',
  'not_in_channel',
  'is_archived',
  'missing_scope',
  'not_allowed_token_type',
  'no_query',
  'channel_not_found',
  'thread_not_found',
  'message_not_found',
  'invalid_types',
  'invalid_arguments',
  'request_too_large',
  'fatal_error',
  'internal_error',
];

/** Parameters and fields Slack added since 2020 that our stand-in emits. */
const MESSAGE_FIELDS_ADDED: Schema = {
  edited: { type: 'object', properties: { user: { type: 'string' }, ts: { type: 'string' } } },
  app_id: { type: 'string' },
};

/** search.messages declares only `ok`; this is the shape of the spec's own example for it. */
function searchMessagesSchema(): Schema {
  const channel = {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name'],
    properties: {
      id: { $ref: '#/definitions/defs_channel' },
      name: { type: 'string' },
      is_private: { type: 'boolean' },
      is_mpim: { type: 'boolean' },
      is_shared: { type: 'boolean' },
      is_org_shared: { type: 'boolean' },
      is_ext_shared: { type: 'boolean' },
      is_pending_ext_shared: { type: 'boolean' },
      pending_shared: { type: 'array' },
    },
  };
  const match = {
    type: 'object',
    additionalProperties: false,
    required: ['iid', 'channel', 'ts', 'text', 'type', 'user', 'permalink'],
    properties: {
      iid: { type: 'string' },
      team: { $ref: '#/definitions/defs_workspace_id' },
      type: { type: 'string' },
      channel,
      user: { anyOf: [{ $ref: '#/definitions/defs_user_id' }, { const: '' }] },
      username: { type: 'string' },
      ts: { $ref: '#/definitions/defs_ts' },
      text: { type: 'string' },
      permalink: { type: 'string', format: 'uri' },
    },
  };
  const count = { type: 'integer', minimum: 0 };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['ok', 'query', 'messages'],
    properties: {
      ok: { $ref: '#/definitions/defs_ok_true' },
      query: { type: 'string' },
      messages: {
        type: 'object',
        additionalProperties: false,
        required: ['matches', 'paging', 'total'],
        properties: {
          total: count,
          matches: { type: 'array', items: match },
          paging: {
            type: 'object',
            additionalProperties: false,
            required: ['count', 'total', 'page', 'pages'],
            properties: { count, total: count, page: count, pages: count },
          },
          pagination: {
            type: 'object',
            additionalProperties: false,
            required: ['total_count', 'page', 'per_page', 'page_count', 'first', 'last'],
            properties: {
              total_count: count,
              page: count,
              per_page: count,
              page_count: count,
              first: count,
              last: count,
            },
          },
        },
      },
    },
  };
}

/**
 * Structural relaxations applied everywhere:
 * - `items: [A, B]` on a schema that is not an array is the spec's way of writing "A or B" (for example
 *   objs_conversation, bot_id, channel_actions_ts); read literally it would validate nothing, so it
 *   becomes `anyOf`.
 * - `minItems` and `uniqueItems` go: an empty history page is a real answer.
 */
function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'minItems' || k === 'uniqueItems') continue;
    out[k] = relax(v);
  }
  if (Array.isArray(out.items) && out.type !== 'array') {
    out.anyOf = out.items;
    delete out.items;
  }
  return out;
}

const responseMetadata = {
  type: 'object',
  additionalProperties: false,
  properties: {
    next_cursor: { type: 'string' },
    messages: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: { type: 'string' } },
  },
};

/** Per-method relaxations of stale parts named by the contracts README. */
function relaxMethod(method: string, ok: Schema, error: Schema): { ok: Schema; error: Schema } {
  if (method === 'conversations.history' || method === 'conversations.replies') {
    // The spec omits response_metadata (its own examples carry it) and requires pin_count,
    // channel_actions_ts and channel_actions_count, which Slack does not always send.
    ok.properties.response_metadata = responseMetadata;
    ok.required = ['ok', 'messages', 'has_more'];
  }
  if (method === 'conversations.replies') {
    // Thread rows are messages: allow the message object's fields (reactions, files, reply_users)
    // besides the parent/reply fields the spec lists, keeping each row's required fields.
    const messageProps = structuredClone(relaxedDefinitions().objs_message.properties);
    for (const row of ok.properties.messages.items.anyOf as Schema[]) {
      row.properties = { ...messageProps, ...MESSAGE_FIELDS_ADDED, ...row.properties };
    }
  }
  if (method === 'search.messages') ok = searchMessagesSchema();
  // Errors: allow codes added since 2020, and needed/provided (missing_scope) on every method.
  if (error.properties?.error?.enum) {
    error.properties.error.enum = [...new Set([...error.properties.error.enum, ...ERRORS_ADDED_SINCE_2020])];
    error.properties.needed = { type: 'string' };
    error.properties.provided = { type: 'string' };
    error.properties.warning = { type: 'string' };
    error.properties.response_metadata = responseMetadata;
  } else {
    error = {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'error'],
      properties: {
        ok: { $ref: '#/definitions/defs_ok_false' },
        error: { type: 'string', enum: [...ERRORS_ADDED_SINCE_2020, 'not_authed', 'invalid_auth'] },
        needed: { type: 'string' },
        provided: { type: 'string' },
      },
    };
  }
  return { ok, error };
}

/** Where the shared contracts live: ../shared/contracts beside the repository, or SLACK_WEB_API_SPEC. */
export function specPath(): string {
  if (process.env.SLACK_WEB_API_SPEC) return process.env.SLACK_WEB_API_SPEC;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'shared', 'contracts', 'slack-web-api.openapi.json');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('slack-web-api.openapi.json not found: expected ../shared/contracts beside the repository');
}

let spec: Schema | undefined;
function loadSpec(): Schema {
  spec ??= JSON.parse(fs.readFileSync(specPath(), 'utf8')) as Schema;
  return spec;
}

let definitions: Schema | undefined;
function relaxedDefinitions(): Schema {
  if (!definitions) {
    const defs = relax(loadSpec().definitions) as Schema;
    Object.assign(defs.objs_message.properties, MESSAGE_FIELDS_ADDED);
    // Where the spec's own examples contradict its schemas, the examples (what Slack sent) win:
    // attachments are bare bones like blocks (an example carries `text`), profiles omit title, phone,
    // skype, fields and status_* , members omit is_app_user, and conversations carry `locale`.
    defs.objs_message.properties.attachments.items.additionalProperties = true;
    defs.objs_user_profile.required = ['real_name', 'display_name'];
    for (const variant of defs.objs_user.anyOf as Schema[]) {
      variant.required = (variant.required as string[]).filter((r) => r !== 'is_app_user');
    }
    for (const variant of defs.objs_conversation.anyOf as Schema[])
      variant.properties.locale = { type: 'string' };
    definitions = defs;
  }
  return definitions;
}

export interface SlackContract {
  /** Methods the oracle knows. */
  methods: string[];
  /** Violations of one answer (empty when it conforms): the success schema for ok:true, else the error one. */
  check(method: string, body: unknown): string[];
  /** The method's example answer from the spec. */
  example(method: string): unknown;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function loadSlackContract(): SlackContract {
  const doc = loadSpec();
  const defs = relaxedDefinitions();
  // Swagger 2 schemas are draft-4 style with vendor keywords: validate leniently about keywords, strictly
  // about data.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const validators = new Map<string, { ok: ValidateFunction; error: ValidateFunction }>();
  for (const [p, item] of Object.entries(doc.paths as Schema)) {
    const op = Object.values(item as Schema)[0] as Schema;
    const method = p.slice(1);
    const ok = relax(structuredClone(op.responses['200'].schema)) as Schema;
    const error = relax(structuredClone(op.responses.default?.schema ?? {})) as Schema;
    const relaxed = relaxMethod(method, ok, error);
    validators.set(method, {
      ok: ajv.compile({ ...relaxed.ok, definitions: defs }),
      error: ajv.compile({ ...relaxed.error, definitions: defs }),
    });
  }
  return {
    methods: [...validators.keys()],
    check(method, body) {
      const v = validators.get(method);
      if (!v) return [`${method}: not in the Slack spec`];
      const ok = !!body && typeof body === 'object' && (body as Schema).ok === true;
      const validate = ok ? v.ok : v.error;
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (e) =>
          `${method} ${ok ? '200' : 'error'} ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      );
    },
    example(method) {
      const op = Object.values(doc.paths[`/${method}`] as Schema)[0] as Schema;
      return op.responses['200'].examples?.['application/json'];
    },
  };
}
