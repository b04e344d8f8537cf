import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveRuntimeOverHttp } from '../../src/http.js';
import {
  createRuntime,
  definePrompt,
  defineServer,
  defineTool,
  LiveSource,
  type Runtime,
  text,
  userMessage,
} from '../../src/index.js';
import { connectHttp } from './fixture.js';

/**
 * A dynamic module's list changes reach clients over HTTP in both eras: 2025 sessions through
 * their own instances, open 2026-07-28 `subscriptions/listen` streams through the event bus.
 */

const live = new LiveSource();
const extraTool = defineTool({ name: 'extra', description: 'Comes and goes', handler: () => text('x') });
const extraPrompt = definePrompt({
  name: 'extra_prompt',
  description: 'Comes and goes',
  get: () => userMessage('x'),
});

let runtime: Runtime;
let handle: HttpServerHandle;
beforeAll(async () => {
  const module = defineServer({
    name: 'lists',
    version: '1.0.0',
    tools: [defineTool({ name: 'fixed', description: 'Always there', handler: () => text('f') })],
    source: live,
  });
  runtime = await createRuntime(module, { audit: false });
  handle = await serveRuntimeOverHttp(runtime, { port: 0 });
});
afterAll(async () => {
  await handle?.close();
  await runtime?.close();
});

/** Counts notifications of `method`; `next()` resolves on the next one. */
function counter(client: Client, method: string) {
  let count = 0;
  let wake: (() => void) | undefined;
  client.setNotificationHandler(method as any, () => {
    count++;
    wake?.();
  });
  return {
    get count() {
      return count;
    },
    next: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
  };
}

describe('list changes over HTTP', () => {
  it('a 2026-07-28 listen stream is told when tools and prompts change', async () => {
    const client = await connectHttp(handle.url, 'modern');
    try {
      const tools = counter(client, 'notifications/tools/list_changed');
      const prompts = counter(client, 'notifications/prompts/list_changed');
      const subscription = await (client as any).listen({ toolsListChanged: true, promptsListChanged: true });
      const toolChange = tools.next();
      live.set({ tools: [extraTool] });
      await toolChange;
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fixed', 'extra']);
      const promptChange = prompts.next();
      live.set({ tools: [extraTool], prompts: [extraPrompt] });
      await promptChange;
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['extra_prompt']);
      await subscription.close();
    } finally {
      live.set({});
      await client.close();
    }
  });

  it('a stream that did not ask for tool changes is not told of them', async () => {
    const client = await connectHttp(handle.url, 'modern');
    try {
      const tools = counter(client, 'notifications/tools/list_changed');
      const prompts = counter(client, 'notifications/prompts/list_changed');
      const subscription = await (client as any).listen({ promptsListChanged: true });
      live.set({ tools: [extraTool] });
      const promptChange = prompts.next();
      live.set({ tools: [extraTool], prompts: [extraPrompt] });
      await promptChange;
      expect(tools.count).toBe(0);
      await subscription.close();
    } finally {
      live.set({});
      await client.close();
    }
  });

  it('a 2025 session is told once per change (not again through the bus)', async () => {
    const client = await connectHttp(handle.url, 'legacy');
    try {
      const tools = counter(client, 'notifications/tools/list_changed');
      // The 2025 client takes notifications on its GET stream; let it open.
      await new Promise((r) => setTimeout(r, 200));
      const first = tools.next();
      live.set({ tools: [extraTool] });
      await first;
      const second = tools.next();
      live.set({});
      await second;
      // Both changes seen; a duplicate would have counted a third by the time a ping returns.
      await client.ping();
      expect(tools.count).toBe(2);
    } finally {
      live.set({});
      await client.close();
    }
  });
});
