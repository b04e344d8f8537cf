export { buildFromConfig, createBuiltin, UnknownServerError } from './build.js';
export { fromClaudeDesktop } from './claude-desktop.js';
export { interpolateEnv } from './interpolate.js';
export { ConfigError, type LoadedConfig, loadConfig, parseConfig } from './load.js';
export {
  ClaudeDesktopSchema,
  ConfigSchema,
  type McpkitConfig,
  type McpkitConfigInput,
  RateLimitSchema,
  type ServerConfig,
  ServerConfigSchema,
} from './schema.js';
