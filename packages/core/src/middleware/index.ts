export { type AuditOptions, audit } from './audit.js';
export { type CacheOptions, cache, stableJson } from './cache.js';
export { compileChain } from './chain.js';
export { errorMapping } from './error-mapping.js';
export {
  DEFAULT_MAX_OUTPUT_BYTES,
  limitToolResult,
  type OutputLimitOptions,
  outputLimit,
} from './output-limit.js';
export { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.js';
export { type TimeoutOptions, timeout } from './timeout.js';
export type { Call, CallOutcome, Middleware, PromptCall, ResourceCall, ToolCall } from './types.js';
