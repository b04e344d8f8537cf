export { applyPolicy, type PolicyOptions, scopeFilter, toolsForCaller } from './policy.js';
