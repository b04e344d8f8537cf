// The JSON-RPC guard lives in ../jsonrpc (HTTP uses it too); re-exported while the public API is reworked.
export { inspectLine, nestingDepth, sniffId } from '../jsonrpc/message-guard.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type HardenedStdioOptions,
  HardenedStdioTransport,
} from './hardened-stdio-transport.js';
export { BoundedLineReader } from './line-reader.js';
export { type StdioServeOptions, serveRuntimeOverStdio } from './serve-stdio.js';
