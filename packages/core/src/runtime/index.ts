export { handlerContext } from './context.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
