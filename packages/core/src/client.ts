/** @mcpkit/core/client: an SDK client connected to a runtime in-process or over HTTP. */
export {
  connectInProcess,
  eraClientOptions,
  type InProcessOptions,
  OwnedClient,
} from './client/in-process.js';
