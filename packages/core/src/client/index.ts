export { connectInProcess, eraClientOptions, type InProcessOptions, OwnedClient } from './in-process.js';
