export { type ComposeSpec, compose } from './compose.js';
