export { applyPolicy, type PolicyOptions, toolsForCaller } from './policy.js';
