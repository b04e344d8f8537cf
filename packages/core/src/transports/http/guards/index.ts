export { anonymousGuard, type BearerAuthenticator, bearerAuthGuard } from './bearer-auth.js';
export { bodyLimitGuard } from './body-limit.js';
export { jsonContentTypeGuard } from './content-type.js';
export { corsGuard } from './cors.js';
export {
  composeGuards,
  type GuardedRequest,
  type HttpGuard,
  headerValues,
  jsonRpcError,
  type Refusal,
  refuse,
} from './guard.js';
export { hostGuard } from './host.js';
export { methodGuard } from './method.js';
export { originGuard } from './origin.js';
