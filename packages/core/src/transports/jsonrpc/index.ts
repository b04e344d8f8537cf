export {
  type GuardLimits,
  INVALID_REQUEST,
  type Inspection,
  inspectLine,
  inspectValue,
  nestingDepth,
  PARSE_ERROR,
  sniffId,
  validId,
} from './message-guard.js';
