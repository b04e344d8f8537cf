export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type HardenedStdioOptions,
  HardenedStdioTransport,
} from './hardened-stdio-transport.js';
export { inspectLine, nestingDepth, sniffId } from './jsonrpc-guard.js';
export { BoundedLineReader } from './line-reader.js';
export { type StdioServeOptions, serveRuntimeOverStdio } from './serve-stdio.js';
