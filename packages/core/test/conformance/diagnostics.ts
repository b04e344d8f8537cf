import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import * as z from 'zod';
import {
  definePrompt,
  defineTool,
  type HandlerContext,
  type LiveSource,
  mcpHeader,
  type SampleAnswer,
  text,
  toolError,
  userMessage,
} from '../../src/index.js';

/**
 * The diagnostic tools and prompts the newest conformance suite (0.2.x: 2026-07-28 scenarios)
 * calls, each built only with the toolkit's public API: questions through ctx.elicit / sample /
 * roots, tasks through `taskSupport`, list changes through a LiveSource, SEP-2243 headers
 * through `mcpHeader`.
 */

const readOnly = { readOnlyHint: true };
const noInput = z.object({});
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const NAME_FORM = {
  type: 'object' as const,
  properties: { name: { type: 'string' as const } },
  required: ['name'],
};

const sampledText = (answer: SampleAnswer) => {
  const content = Array.isArray(answer.content) ? answer.content[0] : answer.content;
  return content?.type === 'text' ? content.text : '';
};

async function askName(ctx: HandlerContext, message = 'What is your name?'): Promise<string | undefined> {
  const answer = await ctx.elicit({ key: 'user_name', message, schema: NAME_FORM });
  return answer.action === 'accept' ? String(answer.content.name) : undefined;
}

/** SEP-2322 multi round-trip requests (input-required-result-* scenarios). */
export const inputRequiredTools = [
  defineTool({
    name: 'test_input_required_result_elicitation',
    description: 'Asks the user their name, then greets them',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => text(`Hello, ${(await askName(ctx)) ?? 'stranger'}!`),
  }),
  defineTool({
    name: 'test_input_required_result_sampling',
    description: 'Asks the client model a question',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const answer = await ctx.sample({
        key: 'capital_question',
        messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
        maxTokens: 100,
      });
      return text(`The model answered: ${sampledText(answer)}`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_list_roots',
    description: "Lists the client's roots",
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const roots = await ctx.roots({ key: 'client_roots' });
      return text(`Client roots: ${roots.map((r) => `${r.name ?? ''} ${r.uri}`.trim()).join(', ')}`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_request_state',
    description: 'Asks for a confirmation; its request state is signed and checked on the retry',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const answer = await ctx.elicit({
        key: 'confirm',
        message: 'Please confirm',
        schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      });
      // The runtime verified the signed state before this line runs again.
      return text(`state-ok: confirmed=${answer.action === 'accept' && answer.content.ok === true}`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_multiple_inputs',
    description: 'Asks for a name, a model greeting and the roots at once',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const [name, greeting, roots] = await Promise.all([
        askName(ctx),
        ctx.sample({
          key: 'greeting',
          messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }],
          maxTokens: 50,
        }),
        ctx.roots({ key: 'client_roots' }),
      ]);
      return text(`${sampledText(greeting)} ${name ?? 'stranger'} (${roots.length} roots)`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_multi_round',
    description: 'Asks two questions, one after the other',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const name = await ctx.elicit({
        key: 'step1',
        message: 'Step 1: What is your name?',
        schema: NAME_FORM,
      });
      const color = await ctx.elicit({
        key: 'step2',
        message: 'Step 2: What is your favorite color?',
        schema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] },
      });
      const n = name.action === 'accept' ? name.content.name : '?';
      const c = color.action === 'accept' ? color.content.color : '?';
      return text(`${n} likes ${c}`);
    },
  }),
  defineTool({
    name: 'test_input_required_result_tampered_state',
    description: 'Asks a question; a retry with altered request state is refused',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => text(`Hello, ${(await askName(ctx)) ?? 'stranger'}!`),
  }),
  defineTool({
    name: 'test_input_required_result_capabilities',
    description: 'Asks only what the client declared it can answer',
    input: noInput,
    annotations: readOnly,
    handler: async (_input, ctx) => {
      const asked: Promise<unknown>[] = [];
      if (ctx.canAsk('elicitation')) asked.push(askName(ctx));
      if (ctx.canAsk('sampling')) {
        asked.push(
          ctx.sample({
            key: 'capital_question',
            messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
            maxTokens: 100,
          }),
        );
      }
      if (ctx.canAsk('roots')) asked.push(ctx.roots({ key: 'client_roots' }));
      await Promise.all(asked);
      return text(`asked ${asked.length} question(s)`);
    },
  }),
];

export const inputRequiredPrompts = [
  definePrompt({
    name: 'test_input_required_result_prompt',
    description: 'A prompt that asks the user for its context first',
    get: async (_args, ctx) => {
      const answer = await ctx.elicit({
        key: 'user_context',
        message: 'What context should the prompt use?',
        schema: { type: 'object', properties: { context: { type: 'string' } }, required: ['context'] },
      });
      const context = answer.action === 'accept' ? String(answer.content.context) : 'none';
      return userMessage(`Use this context: ${context}`);
    },
  }),
];

/** SEP-2575 stateless-server probes (server-stateless scenario). */
export function statelessTools(live: LiveSource) {
  let toolShown = false;
  let promptShown = false;
  const dynamicTool = defineTool({
    name: 'test_dynamic_tool',
    description: 'Appears and disappears with test_trigger_tool_change',
    annotations: readOnly,
    handler: () => text('dynamic'),
  });
  const dynamicPrompt = definePrompt({
    name: 'test_dynamic_prompt',
    description: 'Appears and disappears with test_trigger_prompt_change',
    get: () => userMessage('dynamic'),
  });
  const publish = () =>
    live.set({
      tools: toolShown ? [dynamicTool] : [],
      prompts: promptShown ? [dynamicPrompt] : [],
    });
  return [
    defineTool({
      name: 'test_missing_capability',
      description: 'Needs sampling: refused for a client that did not declare it',
      input: noInput,
      annotations: readOnly,
      handler: async (_input, ctx) => {
        const answer = await ctx.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'ping' } }],
          maxTokens: 10,
        });
        return text(sampledText(answer));
      },
    }),
    defineTool({
      name: 'test_streaming_elicitation',
      description: 'Asks the user a question (answered input_required on 2026-07-28)',
      input: noInput,
      annotations: readOnly,
      handler: async (_input, ctx) => text(`Hello, ${(await askName(ctx)) ?? 'stranger'}!`),
    }),
    defineTool({
      name: 'test_logging_tool',
      description: 'Logs, then answers (logs reach only clients that asked for a level)',
      input: noInput,
      annotations: readOnly,
      handler: async (_input, ctx) => {
        ctx.log.info('test_logging_tool ran');
        return text('logged');
      },
    }),
    defineTool({
      name: 'test_trigger_tool_change',
      description: 'Adds or removes test_dynamic_tool',
      input: noInput,
      annotations: readOnly,
      handler: () => {
        toolShown = !toolShown;
        publish();
        return text(`test_dynamic_tool ${toolShown ? 'added' : 'removed'}`);
      },
    }),
    defineTool({
      name: 'test_trigger_prompt_change',
      description: 'Adds or removes test_dynamic_prompt',
      input: noInput,
      annotations: readOnly,
      handler: () => {
        promptShown = !promptShown;
        publish();
        return text(`test_dynamic_prompt ${promptShown ? 'added' : 'removed'}`);
      },
    }),
  ];
}

/** SEP-2243: a parameter mirrored into an `Mcp-Param-Region` header, which the server checks. */
export const headerTools = [
  defineTool({
    name: 'test_header_param',
    description: 'Echoes a region; the region is also sent as the Mcp-Param-Region HTTP header',
    input: z.object({ region: mcpHeader(z.string(), 'Region').describe('A region name') }),
    annotations: readOnly,
    handler: ({ region }) => text(`region ${region}`),
  }),
];

/** SEP-2663 Tasks extension fixtures (tasks-* scenarios). */
export const taskTools = [
  defineTool({
    name: 'greet',
    description: 'Greets at once (never a task)',
    input: z.object({ name: z.string().default('world') }),
    annotations: readOnly,
    handler: ({ name }) => text(`Hello, ${name}!`),
  }),
  defineTool({
    name: 'slow_compute',
    description: 'Sleeps `seconds`, then answers; runs as a task for clients that support tasks',
    input: z.object({ seconds: z.number().min(0).max(60).default(1), label: z.string().optional() }),
    annotations: readOnly,
    taskSupport: 'optional',
    handler: async ({ seconds, label }, ctx) => {
      await ctx.progress(0, seconds);
      await sleep(seconds * 1000, ctx.signal);
      await ctx.progress(seconds, seconds);
      return text(`Computed ${label ?? 'result'} after ${seconds} s`);
    },
  }),
  defineTool({
    name: 'failing_job',
    description: 'Always ends in a tool error after about a second (task only)',
    input: noInput,
    annotations: readOnly,
    taskSupport: 'required',
    handler: async (_input, ctx) => {
      await sleep(1000, ctx.signal);
      return toolError('failing_job failed, as it always does');
    },
  }),
  defineTool({
    name: 'protocol_error_job',
    description: 'Fails at the protocol level (task only)',
    input: noInput,
    annotations: readOnly,
    taskSupport: 'required',
    handler: () => {
      throw new ProtocolError(ProtocolErrorCode.InternalError, 'protocol_error_job: internal failure');
    },
  }),
  defineTool({
    name: 'confirm_delete',
    description: 'Asks the user to confirm, then "deletes"',
    input: z.object({ item: z.string().default('the item') }),
    annotations: readOnly,
    taskSupport: 'optional',
    handler: async ({ item }, ctx) => {
      const answer = await ctx.elicit({
        message: `Delete ${item}?`,
        schema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] },
      });
      const yes = answer.action === 'accept' && answer.content.confirm === true;
      return text(yes ? `Deleted ${item}` : `Kept ${item}`);
    },
  }),
  defineTool({
    name: 'multi_input',
    description: 'Asks two questions at once',
    input: noInput,
    annotations: readOnly,
    taskSupport: 'optional',
    handler: async (_input, ctx) => {
      const [first, second] = await Promise.all([
        ctx.elicit({
          message: 'First value?',
          schema: { type: 'object', properties: { value: { type: 'string' } } },
        }),
        ctx.elicit({
          message: 'Second value?',
          schema: { type: 'object', properties: { value: { type: 'string' } } },
        }),
      ]);
      const value = (a: typeof first) => (a.action === 'accept' ? String(a.content.value ?? '') : '-');
      return text(`${value(first)} ${value(second)}`);
    },
  }),
  defineTool({
    name: 'test_tool_with_task',
    description: 'Asks for a name, then works on it as a task',
    input: noInput,
    annotations: readOnly,
    taskSupport: 'required',
    // The name is settled before the task is created; the handler's own question gets that answer.
    prepare: async (_input, ctx) => {
      await askName(ctx);
    },
    handler: async (_input, ctx) => text(`Task done for ${(await askName(ctx)) ?? 'stranger'}`),
  }),
];
