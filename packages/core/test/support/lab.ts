import * as z from 'zod';
import {
  defineResource,
  defineServer,
  defineTool,
  type ServerModule,
  structured,
  ToolError,
  text,
  textContents,
} from '../../src/index.js';

/** A small server whose tools exercise each middleware; `state` shows what really ran. */
export function createLab() {
  const state = { counter: 0, writes: 0, slowStarted: 0, slowAborted: 0 };
  const module: ServerModule = defineServer({
    name: 'lab',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'counter',
        description: 'Counts its own executions (read-only, cacheable)',
        input: z.object({ key: z.string().default('k') }),
        annotations: { readOnlyHint: true },
        handler: ({ key }) => text(`${key}:${++state.counter}`),
      }),
      defineTool({
        name: 'whoami',
        description: 'Names the caller (read-only, cacheable)',
        annotations: { readOnlyHint: true },
        handler: (_input, ctx) => {
          state.counter++;
          return text(`principal=${ctx.principal} run=${state.counter}`);
        },
      }),
      defineTool({
        name: 'write',
        description: 'Changes state (not read-only)',
        input: z.object({ value: z.string() }),
        annotations: { readOnlyHint: false, destructiveHint: true },
        handler: () => {
          state.writes++;
          return text('written');
        },
      }),
      defineTool({
        name: 'slow',
        description: 'Waits until aborted or `ms` passes',
        input: z.object({ ms: z.number().int() }),
        annotations: { readOnlyHint: true },
        cache: false,
        handler: async ({ ms }, ctx) => {
          state.slowStarted++;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            ctx.signal.addEventListener('abort', () => {
              state.slowAborted++;
              clearTimeout(timer);
              resolve();
            });
          });
          return text('done');
        },
      }),
      defineTool({
        name: 'big',
        description: 'Returns `bytes` bytes of text',
        input: z.object({ bytes: z.number().int(), char: z.string().default('x') }),
        annotations: { readOnlyHint: true },
        handler: ({ bytes, char }) => text(char.repeat(Math.ceil(bytes / Buffer.byteLength(char)))),
      }),
      defineTool({
        name: 'bigStructured',
        description: 'Returns structured output of about `bytes` bytes',
        input: z.object({ bytes: z.number().int() }),
        output: z.object({ blob: z.string() }),
        annotations: { readOnlyHint: true },
        handler: ({ bytes }) => structured({ blob: 'y'.repeat(bytes) }),
      }),
      defineTool({
        name: 'boom',
        description: 'Throws an internal error that mentions host paths',
        input: z.object({ kind: z.enum(['plain', 'fs', 'tool']) }),
        handler: ({ kind }) => {
          if (kind === 'tool') throw new ToolError('Use a smaller limit (max 10).');
          if (kind === 'fs') {
            const error = Object.assign(
              new Error("ENOENT: no such file or directory, open '/srv/secret/data.txt'"),
              {
                code: 'ENOENT',
                displayPath: 'data.txt',
              },
            );
            throw error;
          }
          throw new Error(
            'database at /var/lib/private/db.sqlite is corrupt\n    at Object.<anonymous> (/opt/app/x.js:1:1)',
          );
        },
      }),
    ],
    resources: [
      defineResource({
        name: 'note',
        uri: 'lab://note',
        mimeType: 'text/plain',
        read: (uri) => {
          state.counter++;
          return textContents(uri, `note ${state.counter}`);
        },
      }),
      defineResource({
        name: 'huge',
        uri: 'lab://huge',
        mimeType: 'text/plain',
        read: (uri) => textContents(uri, 'z'.repeat(600_000)),
      }),
    ],
  });
  return { module, state };
}
