/** @mcpkit/core/config: one config file (YAML or JSON), validated, with `${ENV}` secrets. */
export { buildFromConfig } from './config/build.js';
export { httpOptionsFromConfig } from './config/http-options.js';
export { interpolateEnv } from './config/interpolate.js';
export {
  type ConfigAdapter,
  ConfigError,
  type LoadedConfig,
  loadConfig,
  type ParseConfigOptions,
  parseConfig,
  type UpstreamSupport,
} from './config/load.js';
export {
  ConfigSchema,
  type HttpConfig,
  type McpkitConfig,
  type McpkitConfigInput,
  RateLimitSchema,
  type RedisConfig,
  RedisConfigSchema,
  type ServerConfig,
  ServerConfigSchema,
} from './config/schema.js';
