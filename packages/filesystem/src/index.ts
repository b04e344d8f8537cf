/**
 * @mcpkit/filesystem: a sandboxed, bounded, fast filesystem MCP server; a superset of the
 * reference server's tools, with content search and watched file:// resources.
 */
export {
  type FilesystemLimits,
  type FilesystemOptions,
  filesystemOptionsSchema,
  parseLimits,
} from './options.js';
export { PathError } from './sandbox/errors.js';
export { parseInputPath } from './sandbox/input-path.js';
export type { Root } from './sandbox/roots.js';
export { type Resolved, Sandbox, type SandboxOptions } from './sandbox/sandbox.js';
export { createFilesystemServer, type FilesystemServerOptions, VERSION } from './server.js';
