import { ServerCatalog } from '@mcpkit/core';
// Generated at build time from the workspaces whose package.json declares servers (scripts/build.mjs).
import { declaredServers } from './servers.generated.js';

/** The servers this mcpkit can serve by name. */
export const catalog = new ServerCatalog(declaredServers);
