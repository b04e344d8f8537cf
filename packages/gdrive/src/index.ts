/**
 * @mcpkit/gdrive: Google Drive as MCP tools and resources: search, folders, Docs as Markdown,
 * Sheets as CSV, shared drives; OAuth with a stored refresh token or a service account.
 */
export { DriveApi, type DriveApiOptions, type DriveFile, FILE_FIELDS } from './api/drive-api.js';
export { DriveApiError } from './api/errors.js';
export { buildQuery, checkQuery, literal, type SearchFilter } from './api/query.js';
export { FileReader, type ReadResult } from './api/read.js';
export { type GdriveAuthCommandOptions, openInBrowser, runGdriveAuth } from './auth/command.js';
export { DriveAuthError, DriveConfigError, REAUTH_HINT } from './auth/errors.js';
export { type ConsentFlowOptions, type ConsentResult, runConsentFlow } from './auth/flow.js';
export { createDriveAuth, type DriveAuth } from './auth/provider.js';
export {
  type AuthOptions,
  type AuthSettings,
  defaultTokenFile,
  resolveAuthSettings,
  SCOPES,
} from './auth/settings.js';
export { readTokenFile, writeTokenFile } from './auth/token-file.js';
export { servers } from './declaration.js';
export { type GdriveOptions, gdriveOptionsSchema } from './options.js';
export { createGdriveServer, type GdriveServerOptions, VERSION } from './server.js';
