/**
 * @mcpkit/gdrive/auth: what `mcpkit auth gdrive` needs, without loading the server or the Drive
 * client: the loopback consent flow and the settings it shares with the server.
 */
export { type GdriveAuthCommandOptions, openInBrowser, runGdriveAuth } from './command.js';
export { DriveAuthError, DriveConfigError, REAUTH_HINT } from './errors.js';
export { type ConsentFlowOptions, type ConsentResult, runConsentFlow } from './flow.js';
export {
  type AuthOptions,
  type AuthSettings,
  defaultTokenFile,
  resolveAuthSettings,
  SCOPES,
} from './settings.js';
