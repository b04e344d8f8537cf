/**
 * @mcpkit/core: define tools, resources and prompts as plain objects; compose server modules
 * under namespaces; run every call through one middleware chain; serve over a hardened stdio
 * transport (HTTP in transports/http) on the official MCP SDK v2, both protocol eras.
 */
export * from './client/index.js';
export * from './compose/index.js';
export * from './config/index.js';
export * from './define/index.js';
export * from './errors/index.js';
export * from './logging/index.js';
export * from './middleware/index.js';
export * from './output/index.js';
export * from './policy/index.js';
export * from './registry/index.js';
export * from './runtime/index.js';
export * from './transports/http/index.js';
export * from './transports/stdio/index.js';
