export { handlerContext } from './context.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { serveOnConnection } from './serve.js';
export { ResourceWatches } from './watches.js';
