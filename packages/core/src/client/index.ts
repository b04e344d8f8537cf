export { connectInProcess, eraClientOptions, OwnedClient } from './in-process.js';
