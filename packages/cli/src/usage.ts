/** A mistake in how the command was called: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const TARGET = `A <target> is a built-in server name with its arguments and options (catalog, filesystem ./docs
--read-only), --config <file>, an http(s) URL of a running server (a bearer token from
MCPKIT_TOKEN), or a server command after "--" (then the target comes last:
mcpkit call <tool> [json] -- node server.js).`;

const INSPECT_OPTIONS = `Options:
  --json                 print the raw JSON answer
  --era <legacy|modern>  protocol era to speak (default legacy: the 2025 initialize handshake)`;

const SERVE_HELP = `Usage:
  mcpkit serve <server> [args...] [options]   serve a built-in server over stdio
  mcpkit serve <server> --http [host:port]    serve it over Streamable HTTP (default 127.0.0.1:3000)
  mcpkit serve --config <file> [options]      serve what a config file describes (YAML/JSON,
                                              mcpkit's shape or Claude Desktop's mcpServers)
  mcpkit serve --list                         list the built-in servers
  mcpkit serve <server> --help                that server's arguments and options

Serve options:
  --read-only            only tools that declare readOnlyHint are listed and callable
  --allow-writes         serve the writing tools of a server that has them off by default
  --allow <globs>        comma-separated tool names/globs to keep
  --deny <globs>         comma-separated tool names/globs to remove
  --timeout <ms>         per-call time limit (default 60000, 0 = none)
  --max-output <bytes>   most bytes in one result (default 262144)
  --confirm-writes       ask the user (elicitation) before a destructive tool runs
  --log-level <level>    stderr log level: fatal|error|warn|info|debug|silent (default info)
  --<option> <value>     any other option is the server's own (mcpkit serve <server> --help)

HTTP options (with --http; the config file's "http" section sets the same and more):
  --http [host:port]     listen there (:0 picks a free port); beyond loopback needs auth
  --token-env <VAR>      accept the bearer token held in environment variable VAR
  --token-principal <p>  who that token stands for (default "token")
  --token-scopes <list>  comma-separated scopes it grants (tool allow lists by scope)
  --jwks <url|file>      accept JWTs signed by these keys (also needs --jwt-issuer)
  --jwt-issuer <iss>     the accepted issuer
  --jwt-audience <aud>   the accepted audience (default: this server's URL)
  --public-url <url>     the URL clients use, behind a proxy (resource id, default audience)
  --allowed-hosts <list> extra Host names accepted (DNS-rebinding protection)
  --allowed-origins <l>  browser origins accepted
  --metrics[=false]      Prometheus metrics at /metrics (default: on for a loopback bind only)
  --no-status-page       no read-only status page at /
  --max-message <bytes>  largest request body (default 4194304; stdio: largest line)
`;

/** `mcpkit help <command>` and `mcpkit <command> --help`. */
export const COMMAND_HELP: Record<string, string> = {
  serve: SERVE_HELP,
  tools: `Usage: mcpkit tools <target> [options]

Lists a server's tools with their arguments (every page).

${TARGET}

${INSPECT_OPTIONS}
`,
  call: `Usage: mcpkit call <target> <tool> [json-args | name=value...] [options]

Calls one tool and prints what the model reads; exits 1 when the tool answers with an error.
Arguments are one JSON object ('{"query":"john"}') or name=value words (query=john; a value that
reads as JSON, such as 5 or true, is taken as such unless the tool wants a string).

${TARGET}

${INSPECT_OPTIONS}
`,
  resources: `Usage: mcpkit resources <target> [options]

Lists a server's resources and resource templates (every page).

${TARGET}

${INSPECT_OPTIONS}
`,
  read: `Usage: mcpkit read <target> <uri> [options]

Reads one resource and prints its text (binary contents are summarised; --json for all).

${TARGET}

${INSPECT_OPTIONS}
`,
  prompts: `Usage: mcpkit prompts <target> [options]

Lists a server's prompts with their arguments (every page).

${TARGET}

${INSPECT_OPTIONS}
`,
  prompt: `Usage: mcpkit prompt <target> <name> [json-args | name=value...] [options]

Gets one prompt and prints its messages.

${TARGET}

${INSPECT_OPTIONS}
`,
  config: `Usage: mcpkit config claude <server> [args...] [options]

Checks the arguments and options as \`mcpkit serve\` would, and prints the entry to paste under
"mcpServers" in claude_desktop_config.json: this Node and this mcpkit by absolute path (Claude
Desktop starts servers from an unknown folder with a minimal PATH), local paths made absolute.
`,
  auth: `Usage: mcpkit auth <server> [options]

A server's one-time authorization (gdrive: the OAuth consent in a browser), with the options
\`mcpkit serve <server>\` takes.
`,
  approve: `Usage: mcpkit approve <server> [tool]

An upstream server's tool whose description or schema changed since it was first seen is hidden
(a "rug pull" guard); this serves it again, with the new text pinned.
`,
  help: `Usage: mcpkit help [command]

Help for one command (serve, tools, call, resources, read, prompts, prompt, config, auth,
approve), or
for one server: mcpkit serve <server> --help.
`,
};

export const HELP = `mcpkit: serve, inspect and call MCP servers

Usage:
  mcpkit serve <server> [args...] [options]   serve a built-in server over stdio (--http for HTTP)
  mcpkit serve --config <file>                serve what a config file describes
  mcpkit serve --list                         list the built-in servers
  mcpkit serve <server> --help                one server's arguments and options
  mcpkit tools <target>                       list a server's tools
  mcpkit call <target> <tool> [json-args]     call one tool and print its result
  mcpkit resources <target>                   list a server's resources and templates
  mcpkit read <target> <uri>                  read one resource
  mcpkit prompts <target>                     list a server's prompts
  mcpkit prompt <target> <name> [json-args]   get one prompt's messages
  mcpkit config claude <server> [args...]     check a server's arguments and print its Claude Desktop entry
  mcpkit auth <server> [options]              a server's one-time authorization (gdrive: OAuth consent)
  mcpkit approve <server> [tool]              serve an upstream tool again after its definition changed
  mcpkit help <command>                       help for one command

${TARGET}

${SERVE_HELP.slice(SERVE_HELP.indexOf('Serve options:'))}
Inspect options (tools, call, resources, read, prompts, prompt):
  --json                 print the raw JSON answer
  --era <legacy|modern>  protocol era to speak (default legacy: 2025 initialize)

Other:
  -h, --help             this help
  -v, --version          print the version
`;
