export {
  type ClientRoot,
  type Era,
  type HandlerContext,
  type HandlerLogger,
  type LogLevel,
  principalOf,
} from './context.js';
export {
  definePrompt,
  type PromptArgsSchema,
  type PromptDefinition,
  type PromptSpec,
  userMessage,
} from './prompt.js';
export {
  type AnyResourceDefinition,
  defineResource,
  defineResourceTemplate,
  type ResourceDefinition,
  type ResourceMetadata,
  type ResourcePage,
  type ResourceTemplateDefinition,
  textContents,
} from './resource.js';
export { structured, text, toolError } from './results.js';
export {
  assertUnique,
  defineServer,
  type ServerModule,
  type ServerSpec,
  type WatchResource,
} from './server.js';
export {
  defineTool,
  isReadOnlyTool,
  type ToolDefinition,
  type ToolInputSchema,
  type ToolOutputSchema,
  type ToolResult,
  type ToolSpec,
} from './tool.js';
