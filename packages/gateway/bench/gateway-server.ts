// The gateway side of the overhead bench: server-everything (path in argv[2]) mounted as the
// upstream `ev`, served over stdio by the mcpkit runtime with its default middleware.
import { compose, createLogger, createRuntime } from '@mcpkit/core';
import { serveRuntimeOverStdio } from '@mcpkit/core/stdio';
import { createUpstreamModule } from '../src/index.js';

const everything = process.argv[2]!;
const ev = createUpstreamModule({
  name: 'ev',
  target: { kind: 'stdio', command: process.execPath, args: [everything, 'stdio'], env: {} },
  lifecycle: { start: 'eager' },
});
const runtime = await createRuntime(compose({ name: 'gateway', version: '0.1.0' }, { ev: ev.module }), {
  logger: createLogger({ level: (process.env.LOG_LEVEL ?? 'info') as 'info' }),
});
serveRuntimeOverStdio(runtime, { onClosed: () => void runtime.close().then(() => process.exit(0)) });
