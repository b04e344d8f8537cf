/**
 * createRuntime: a module made servable. It applies the policy once (a tool the policy removes is
 * neither listed nor callable), compiles the middleware chain, and returns `factory`, which builds
 * a fresh MCP server per connection (stdio) or request (HTTP). Everything costly is built here,
 * once; `close()` releases it.
 */
import { createRuntime, type Runtime } from '@mcpkit/core';
import { createShop } from './compose.js';
import { refuseSecrets } from './middleware.js';

export function createShopRuntime(): Promise<Runtime> {
  return createRuntime(createShop(), {
    policy: { readOnly: true }, // only tools annotated readOnlyHint: true
    timeoutMs: 5_000, // per call: the handler's signal aborts, the caller gets an isError result
    maxOutputBytes: 64 * 1024, // a longer result is cut, with a note saying so
    middleware: [refuseSecrets()],
  });
}
