export * from './module/index.js';
export * from './pinning/index.js';
export * from './upstream/index.js';
