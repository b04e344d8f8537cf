// How each built-in server is installed outside this repository: what a user must or may give
// it (folders, a spec, tokens), for the MCPB bundles (scripts/bundle-mcpb.mjs) and the MCP
// registry's server.json files (scripts/registry-server-json.mjs). Written once here; the tests
// check every declared server has an entry and that both outputs validate.
//
// An input is one of:
// - `args`: positional arguments after `mcpkit serve <server>` (folders, a spec);
// - `env`: an environment variable (credentials: never an argument, so never in a process list);
// - `flag`: a boolean `--flag=true|false` (the write switches every server has).
// `package` is the npm package that declares the server (its files and dependencies ship with it).

/** The registry namespace the servers are published under (must match the publisher's GitHub login). */
export const REGISTRY_NAMESPACE = 'io.github.mcpkit';
/** The npm package whose `mcpkit` binary serves every built-in server. */
export const NPM_PACKAGE = 'mcpkit';
export const NODE_RANGE = '>=20.19';

const allowWrites = {
  id: 'allow_writes',
  kind: 'flag',
  flag: '--allow-writes',
  type: 'boolean',
  title: 'Allow changes',
  description: 'Also serve the tools that create, change or delete (off: read-only tools only)',
  default: false,
};
const readOnly = {
  id: 'read_only',
  kind: 'flag',
  flag: '--read-only',
  type: 'boolean',
  title: 'Read-only',
  description: 'Serve only the tools that read (on: nothing can be changed)',
  default: false,
};

export const SERVERS = {
  filesystem: {
    package: '@mcpkit/filesystem',
    title: 'mcpkit Filesystem',
    summary: 'Read, search and edit files in the folders you allow; bounded output, watched resources',
    inputs: [
      {
        id: 'allowed_directories',
        kind: 'args',
        type: 'directory',
        title: 'Allowed folders',
        description: 'The folders the server may read and change; nothing outside them is reachable',
        required: true,
        multiple: true,
      },
      readOnly,
    ],
  },
  postgres: {
    package: '@mcpkit/postgres',
    title: 'mcpkit PostgreSQL',
    summary: 'Query PostgreSQL read-only by default: schemas, tables, explain plans, bounded rows',
    inputs: [
      {
        id: 'database_url',
        kind: 'env',
        env: 'DATABASE_URL',
        type: 'string',
        title: 'Database URL',
        description:
          'postgresql://user:password@host:5432/database (use a role with the rights you want to give)',
        required: true,
        sensitive: true,
      },
      allowWrites,
    ],
  },
  github: {
    package: '@mcpkit/github',
    title: 'mcpkit GitHub',
    summary: 'GitHub repositories, files, issues, pull requests and commits; writes only when allowed',
    inputs: [
      {
        id: 'github_token',
        kind: 'env',
        env: 'GITHUB_TOKEN',
        type: 'string',
        title: 'GitHub token',
        description:
          'A fine-grained personal access token (without one: public data only, at a low rate limit)',
        required: false,
        sensitive: true,
        default: '',
      },
      allowWrites,
    ],
  },
  slack: {
    package: '@mcpkit/slack',
    title: 'mcpkit Slack',
    summary: 'Slack channels, threads, users and search; posts only to the channels you allow',
    inputs: [
      {
        id: 'slack_bot_token',
        kind: 'env',
        env: 'SLACK_BOT_TOKEN',
        type: 'string',
        title: 'Slack bot token',
        description: 'The xoxb- token of your Slack app',
        required: true,
        sensitive: true,
      },
      {
        id: 'slack_user_token',
        kind: 'env',
        env: 'SLACK_USER_TOKEN',
        type: 'string',
        title: 'Slack user token (optional)',
        description: 'An xoxp- token, for message search (search.messages needs a user token)',
        required: false,
        sensitive: true,
        default: '',
      },
      readOnly,
    ],
  },
  gdrive: {
    package: '@mcpkit/gdrive',
    title: 'mcpkit Google Drive',
    summary: 'Google Drive search, folders, Docs as Markdown, Sheets as CSV; writes only when allowed',
    inputs: [
      {
        id: 'credentials_file',
        kind: 'env',
        env: 'GOOGLE_APPLICATION_CREDENTIALS',
        type: 'file',
        title: 'Google credentials file',
        description: 'A service-account key or an authorized_user JSON file (mcpkit auth gdrive writes one)',
        required: true,
      },
      allowWrites,
    ],
  },
  openapi: {
    package: '@mcpkit/openapi',
    title: 'mcpkit OpenAPI',
    summary: 'Any OpenAPI or Swagger API as tools: each operation a tool, GETs only unless allowed',
    inputs: [
      {
        id: 'spec',
        kind: 'args',
        type: 'string',
        title: 'OpenAPI document',
        description: 'The path or https URL of the OpenAPI 3.x or Swagger 2.0 document',
        required: true,
        format: 'filepath',
      },
      allowWrites,
    ],
  },
  catalog: {
    // The examples are private: the CLI bundles the demo, so it needs no package of its own.
    package: null,
    title: 'mcpkit Catalog demo',
    summary: 'A demo store: search customers and product prices, catalog resources, a review prompt',
    inputs: [],
  },
};
