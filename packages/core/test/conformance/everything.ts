import { completable } from '@modelcontextprotocol/server';
import * as z from 'zod';
import {
  createRuntime,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineServer,
  defineTool,
  type ElicitAnswer,
  type ElicitSpec,
  LiveSource,
  type Runtime,
  text,
  textContents,
  toolError,
  userMessage,
} from '../../src/index.js';
import {
  headerTools,
  inputRequiredPrompts,
  inputRequiredTools,
  statelessTools,
  taskTools,
} from './diagnostics.js';

/**
 * The server the official conformance suite (@modelcontextprotocol/conformance) expects: fixed
 * tool, resource and prompt names, each returning what its scenario checks. Everything is
 * defined with mcpkit's own public API (define*, ctx.elicit / sample / roots, taskSupport) and
 * served through the runtime and HTTP transport; nothing is registered on the SDK instance.
 */

/** 1x1 red pixel. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A valid, silent WAV: the 44-byte header of 8 kHz 8-bit mono PCM, then 8 samples. */
function silentWav(): string {
  const samples = 8;
  const wav = Buffer.alloc(44 + samples, 0x80);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24); // sample rate
  wav.writeUInt32LE(8000, 28); // byte rate
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  return wav.toString('base64');
}
const WAV = silentWav();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noInput = z.object({});
const readOnly = { readOnlyHint: true };

const address = z.object({ street: z.string(), city: z.string() }).meta({ id: 'address' });

const tools = [
  defineTool({
    name: 'test_simple_text',
    description: 'Returns simple text',
    input: noInput,
    annotations: readOnly,
    handler: () => text('This is a simple text response for testing.'),
  }),
  defineTool({
    name: 'test_image_content',
    description: 'Returns an image',
    input: noInput,
    annotations: readOnly,
    handler: () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }),
  }),
  defineTool({
    name: 'test_audio_content',
    description: 'Returns audio',
    input: noInput,
    annotations: readOnly,
    handler: () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }),
  }),
  defineTool({
    name: 'test_embedded_resource',
    description: 'Returns an embedded resource',
    input: noInput,
    annotations: readOnly,
    handler: () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_multiple_content_types',
    description: 'Returns text, an image and a resource',
    input: noInput,
    annotations: readOnly,
    handler: () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
  }),
  defineTool({
    name: 'test_tool_with_logging',
    description: 'Logs three messages while it runs',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      ctx.log.info('Tool execution started');
      await sleep(50);
      ctx.log.info('Tool processing data');
      await sleep(50);
      ctx.log.info('Tool execution completed');
      return text('Logging test completed');
    },
  }),
  defineTool({
    name: 'test_tool_with_progress',
    description: 'Reports progress 0, 50, 100 of 100',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      await ctx.progress(0, 100);
      await sleep(50);
      await ctx.progress(50, 100);
      await sleep(50);
      await ctx.progress(100, 100);
      return text('Progress test completed');
    },
  }),
  defineTool({
    // SEP-1699 SSE polling: the stream closes mid-call; the result reaches the client when it
    // reconnects with Last-Event-ID (replayed from the session's event store).
    name: 'test_reconnection',
    description: 'Closes its response stream mid-call, then answers',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const released = ctx.releaseStream();
      await sleep(100);
      return text(released ? 'Reconnection test completed' : 'Stream could not be released');
    },
  }),
  defineTool({
    name: 'test_error_handling',
    description: 'Always fails',
    input: noInput,
    annotations: readOnly,
    handler: () => toolError('This tool intentionally returns an error for testing'),
  }),
  defineTool({
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features',
    input: z.object({ name: z.string().optional(), address: address.optional() }).strict(),
    annotations: readOnly,
    handler: (input) => text(JSON.stringify(input)),
  }),
];

const resources = [
  defineResource({
    name: 'static_text',
    uri: 'test://static-text',
    mimeType: 'text/plain',
    description: 'A static text resource',
    read: (uri) => textContents(uri, 'This is the content of the static text resource.', 'text/plain'),
  }),
  defineResource({
    name: 'static_binary',
    uri: 'test://static-binary',
    mimeType: 'image/png',
    description: 'A static binary resource',
    read: (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG }] }),
  }),
  defineResource({
    name: 'watched_resource',
    uri: 'test://watched-resource',
    mimeType: 'text/plain',
    description: 'A resource that can be subscribed to',
    read: (uri) => textContents(uri, 'Watched resource content', 'text/plain'),
  }),
  defineResourceTemplate({
    name: 'template_data',
    uriTemplate: 'test://template/{id}/data',
    mimeType: 'application/json',
    description: 'Data by id',
    read: (uri, { id }) =>
      textContents(
        uri,
        JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
        'application/json',
      ),
  }),
];

const prompts = [
  definePrompt({
    name: 'test_simple_prompt',
    description: 'A prompt without arguments',
    get: () => userMessage('This is a simple prompt for testing.'),
  }),
  definePrompt({
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two arguments',
    args: z.object({
      arg1: completable(z.string().describe('First test argument'), (value) =>
        ['paris', 'park', 'party', 'test'].filter((v) => v.startsWith(value)),
      ),
      arg2: z.string().describe('Second test argument'),
    }),
    get: ({ arg1, arg2 }) => userMessage(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`),
  }),
  definePrompt({
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt embedding a resource',
    args: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    get: ({ resourceUri }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: resourceUri,
              mimeType: 'text/plain',
              text: 'Embedded resource content for testing.',
            },
          },
        },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  }),
  definePrompt({
    name: 'test_prompt_with_image',
    description: 'A prompt with an image',
    get: () => ({
      messages: [
        { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ],
    }),
  }),
];

const elicitationCompleted = (result: ElicitAnswer) =>
  text(
    `Elicitation completed: action=${result.action}, content=${JSON.stringify(
      result.action === 'accept' ? result.content : {},
    )}`,
  );

/** The tools that ask the client for something (sampling, elicitation), on the handler API. */
const clientRequestTools = [
  defineTool({
    name: 'test_sampling',
    description: 'Asks the client LLM',
    input: z.object({ prompt: z.string() }),
    handler: async ({ prompt }, ctx) => {
      const reply = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(reply.content) ? reply.content[0] : reply.content;
      return text(`LLM response: ${content?.type === 'text' ? content.text : ''}`);
    },
  }),
  defineTool({
    name: 'test_elicitation',
    description: 'Asks the user',
    input: z.object({ message: z.string() }),
    handler: async ({ message }, ctx) => {
      const result = await ctx.elicit({
        message,
        schema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      const content = result.action === 'accept' ? result.content : {};
      return text(`User response: action=${result.action}, content=${JSON.stringify(content)}`);
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1034_defaults',
    description: 'Elicitation with defaults',
    input: z.object({}),
    handler: async (_input, ctx) =>
      elicitationCompleted(
        await ctx.elicit({
          message: 'Please review and update the form fields with defaults',
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'User name', default: 'John Doe' },
              age: { type: 'integer', description: 'User age', default: 30 },
              score: { type: 'number', description: 'User score', default: 95.5 },
              status: {
                type: 'string',
                description: 'User status',
                enum: ['active', 'inactive', 'pending'],
                default: 'active',
              },
              verified: { type: 'boolean', description: 'Verification status', default: true },
            },
          },
        }),
      ),
  }),
  defineTool({
    name: 'test_elicitation_sep1330_enums',
    description: 'Elicitation with every enum form',
    input: z.object({}),
    handler: async (_input, ctx) =>
      elicitationCompleted(
        await ctx.elicit({
          message: 'Please select options from the enum fields',
          schema: {
            type: 'object',
            properties: {
              untitledSingle: {
                type: 'string',
                description: 'Untitled single',
                enum: ['option1', 'option2', 'option3'],
              },
              titledSingle: {
                type: 'string',
                description: 'Titled single',
                oneOf: [
                  { const: 'value1', title: 'First Option' },
                  { const: 'value2', title: 'Second Option' },
                  { const: 'value3', title: 'Third Option' },
                ],
              },
              legacyEnum: {
                type: 'string',
                description: 'Legacy titled',
                enum: ['opt1', 'opt2', 'opt3'],
                enumNames: ['Option One', 'Option Two', 'Option Three'],
              },
              untitledMulti: {
                type: 'array',
                description: 'Untitled multi',
                items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
              },
              titledMulti: {
                type: 'array',
                description: 'Titled multi',
                items: {
                  anyOf: [
                    { const: 'value1', title: 'First Choice' },
                    { const: 'value2', title: 'Second Choice' },
                    { const: 'value3', title: 'Third Choice' },
                  ],
                },
              },
            },
          } as ElicitSpec['schema'],
        }),
      ),
  }),
];

export function createEverythingModule() {
  // The diagnostic hooks add and remove a tool and a prompt: the module is dynamic.
  const live = new LiveSource();
  return defineServer({
    name: 'mcpkit-conformance',
    version: '1.0.0',
    tools: [
      ...tools,
      ...clientRequestTools,
      ...inputRequiredTools,
      ...statelessTools(live),
      ...headerTools,
      ...taskTools,
    ],
    resources,
    prompts: [...prompts, ...inputRequiredPrompts],
    source: live,
    // Subscriptions are accepted; nothing ever changes the fixture's resources.
    watch: (uri) => (uri.startsWith('test://') ? () => {} : undefined),
  });
}

/** The fixture as a runtime the HTTP transport serves. */
export async function createEverythingRuntime(): Promise<Runtime> {
  return createRuntime(createEverythingModule(), { audit: false });
}
