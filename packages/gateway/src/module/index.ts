export { type GatewayEntry, gatewayEntrySchema, type ParsedEntry, parseEntry } from './entry.js';
export { type EntryModuleOptions, upstreamFromEntry } from './from-entry.js';
export { type GatewayModules, gatewayModules } from './gateway.js';
export { preferLocalPackage } from './local-package.js';
export { MAX_SERVED_NAME, nameBudget, namespaceFor, servedName } from './names.js';
export { createStatusModule, gatewayStatus, type StatusModuleOptions } from './status.js';
export {
  createUpstreamModule,
  type GatewayUpstream,
  type GatewayUpstreamStatus,
  type HiddenTool,
  type UpstreamModuleOptions,
} from './upstream-module.js';
