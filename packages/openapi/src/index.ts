/**
 * @mcpkit/openapi: any OpenAPI 3.x or Swagger 2.0 API served as MCP tools: read-only by default,
 * credentials from the environment, bounded answers, and a dynamic mode for large APIs.
 */
export { AuthError, Authenticator, type Credentials, type Env } from './auth/credentials.js';
export { type AuthScheme, describeNeed, envName, readSchemes, schemeVariables } from './auth/schemes.js';
export {
  annotationsFor,
  DEFAULT_MAX_TOOLS,
  describeOperation,
  OpenApiCatalog,
  type OpenApiOptions,
  type OperationEntry,
  type ToolAnnotations,
} from './catalog.js';
export {
  callOperation,
  DESCRIBE_MAX_BYTES,
  describeOperationResult,
  LIST_PAGE_SIZE,
  listOperations,
  META_TOOL_SCHEMAS,
  type ServedName,
} from './dynamic/meta.js';
export { BaseUrlError, resolveBaseUrl } from './http/base-url.js';
export { execute, type HttpOptions, prepareRequest } from './http/execute.js';
export type { ResultContent, ToolResult } from './http/result.js';
export { collectOperations } from './operations/collect.js';
export type { HttpMethod, Operation, OperationBody, OperationParameter } from './operations/types.js';
export { type ArgumentBinding, buildOperationInput, type OperationInput } from './schema/arguments.js';
export { SchemaConverter } from './schema/convert.js';
export { SchemaValidator } from './schema/validator.js';
export { compileRule, globToRegExp, makeSelector, type SelectionOptions } from './select/filter.js';
export { assignNames, MAX_NAME_LENGTH, snakeCase } from './select/names.js';
export {
  createOpenApiServer,
  type OpenApiServer,
  type OpenApiServerOptions,
  type OpenApiSummary,
} from './server.js';
export { checkStructure } from './spec/check.js';
export { FULL_VALIDATION_MAX_BYTES, type LoadSpecOptions, loadSpec } from './spec/load.js';
export { type JsonObject, type LoadedSpec, SpecError } from './spec/types.js';
