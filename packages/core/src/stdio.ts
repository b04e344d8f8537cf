/** @mcpkit/core/stdio: serving a runtime on stdio, or on any connection-shaped transport. */
export { serveOnConnection } from './runtime/serve.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type HardenedStdioOptions,
  HardenedStdioTransport,
} from './transports/stdio/hardened-stdio-transport.js';
export { type StdioServeOptions, serveRuntimeOverStdio } from './transports/stdio/serve-stdio.js';
