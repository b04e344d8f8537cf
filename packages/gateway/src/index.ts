export * from './pinning/index.js';
export * from './upstream/index.js';
