export {
  findServer,
  listServers,
  registerServer,
  type ServerCreateContext,
  type ServerEntry,
} from './registry.js';
