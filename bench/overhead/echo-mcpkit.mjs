// The same trivial tool, as an mcpkit module served with mcpkit's defaults (error mapping, audit
// log, timeout, output limit; hardened stdio; the HTTP transport with its guards and sessions).
// Usage: node echo-mcpkit.mjs stdio | node echo-mcpkit.mjs http <port>
import { createLogger, createRuntime } from '@mcpkit/core';
import { serveRuntimeOverHttp } from '@mcpkit/core/http';
import { serveRuntimeOverStdio } from '@mcpkit/core/stdio';
import { echoModule } from './echo-module.mjs';

const runtime = await createRuntime(echoModule, {
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }),
});
const [mode, port] = process.argv.slice(2);
if (mode === 'http') {
  const handle = await serveRuntimeOverHttp(runtime, { port: Number(port) });
  process.stderr.write(`listening ${handle.port}\n`);
} else {
  serveRuntimeOverStdio(runtime, { onClosed: () => process.exit(0) });
}
