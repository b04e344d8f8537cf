export { describeError, redactPaths } from './sanitize.js';
export { isToolError, ToolError } from './tool-error.js';
