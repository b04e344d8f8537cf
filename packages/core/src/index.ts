/**
 * @mcpkit/core: define tools, resources and prompts as plain objects; declare servers; compose
 * modules under namespaces; run every call through one middleware chain, on the official MCP
 * SDK v2, both protocol eras. What only some programs need has its own entry point:
 * `@mcpkit/core/stdio`, `/http`, `/config`, `/client` and `/testing`.
 */

// Asking the client (elicitation, sampling, roots) from a handler.
export type { RoundTripOptions } from './ask/round-trips.js';
export {
  type AskKind,
  ClientCannotAnswerError,
  type ElicitAnswer,
  type ElicitSpec,
  type SampleAnswer,
  type SampleSpec,
} from './ask/types.js';
// Composing, policy and the runtime.
export { type ComposeSpec, compose } from './compose/compose.js';
// A config file that cannot be used (the loader itself is @mcpkit/core/config).
export { ConfigError } from './config/error.js';
// Defining tools, resources, prompts and server modules.
export {
  type ClientRoot,
  type Era,
  type HandlerContext,
  type HandlerLogger,
  type LogLevel,
  principalOf,
} from './define/context.js';
export { mcpHeader } from './define/header.js';
export { type JsonSchemaInput, jsonSchema } from './define/json-schema.js';
export {
  definePrompt,
  type PromptArgsSchema,
  type PromptDefinition,
  type PromptSpec,
  userMessage,
} from './define/prompt.js';
export {
  type AnyResourceDefinition,
  defineResource,
  defineResourceTemplate,
  type ResourceDefinition,
  type ResourceMetadata,
  type ResourcePage,
  type ResourceTemplateDefinition,
  textContents,
} from './define/resource.js';
export { structured, text, toolError } from './define/results.js';
export {
  type ContentsSpec,
  type DynamicSource,
  defineServer,
  type HealthEntry,
  type ListKind,
  LiveSource,
  type ModuleContents,
  type ModuleHealth,
  type ServerModule,
  type ServerSpec,
  type WatchResource,
} from './define/server.js';
export {
  defineTool,
  type InputOf,
  isReadOnlyTool,
  type TaskSupport,
  type ToolDefinition,
  type ToolInputSchema,
  type ToolOutputSchema,
  type ToolResult,
  type ToolSpec,
} from './define/tool.js';
// Errors, logs and output sizes.
export { ERRNO_TEXT, errnoText } from './errors/errno.js';
export { redactSecrets } from './errors/redact.js';
export { describeError, redactPaths } from './errors/sanitize.js';
export { isToolError, ToolError } from './errors/tool-error.js';
// The server kit: what every server needs, written once.
export { annotations } from './kit/annotations.js';
export { ApiError, type ApiFailure, isApiError } from './kit/api-error.js';
export { decodeCursor, encodeCursor, InvalidCursorError, requestKey } from './kit/cursor.js';
export {
  camelCase,
  closest,
  kebabCase,
  type OptionProblem,
  OptionsError,
  type OptionsStyle,
  option,
  parseOptions,
} from './kit/options.js';
export {
  clip,
  type LineWindow,
  lineWindow,
  type TextWindow,
  textWindow,
  windowNote,
} from './kit/text-window.js';
export { packageVersion } from './kit/version.js';
export { createLogger, type Logger, type LoggerOptions, silentLogger } from './logging/logger.js';
// Middleware.
export { type AuditOptions, audit } from './middleware/audit.js';
export { type CacheOptions, cache } from './middleware/cache.js';
export { errorMapping } from './middleware/error-mapping.js';
export { DEFAULT_MAX_OUTPUT_BYTES, type OutputLimitOptions, outputLimit } from './middleware/output-limit.js';
export type { RateLimitOptions } from './middleware/rate-limit.js';
export { type TimeoutOptions, timeout } from './middleware/timeout.js';
export type {
  Call,
  CallOutcome,
  Middleware,
  PromptCall,
  ResourceCall,
  ToolCall,
} from './middleware/types.js';
export { byteLength, formatBytes, formatCount, truncateUtf8 } from './output/truncate.js';
export { applyPolicy, type PolicyOptions } from './policy/policy.js';
export { type CallEvents, type CallRecord, type CallResult, CallStats } from './runtime/call-stats.js';
export {
  type ConfirmOption,
  type ConfirmPolicy,
  isDestructiveTool,
} from './runtime/confirm.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime/runtime.js';
// Declaring servers for the CLI and config files.
export { ServerCatalog, UnknownServerError } from './servers/catalog.js';
export {
  type AuthorizeContext,
  declareServer,
  type PositionalArgs,
  type ServerCreateContext,
  type ServerDeclaration,
  type ServerDeclarationSpec,
  type WritesDefault,
  writeFlags,
  writesEnabled,
} from './servers/declaration.js';
export { createDeclaredServer, resolveServerOptions, type ServerInput } from './servers/resolve.js';
// The Tasks extension: where tasks are kept.
export {
  MemoryTaskStore,
  type StoredTask,
  TASKS_EXTENSION,
  type TaskStatus,
  type TaskStore,
} from './tasks/store.js';
export type { TaskOptions } from './tasks/tasks.js';
// Where --http listens unless told (the HTTP stack itself is @mcpkit/core/http).
export { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './transports/http/defaults.js';
