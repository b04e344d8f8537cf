/** A mistake in how the command was called: one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const HELP = `mcpkit: serve, inspect and call MCP servers

Usage:
  mcpkit serve <server> [args...] [options]   serve a built-in server over stdio
  mcpkit serve <server> --http [host:port]    serve it over Streamable HTTP (default 127.0.0.1:3000)
  mcpkit serve --config <file>                serve what a config file describes (YAML/JSON,
                                              mcpkit's shape or Claude Desktop's mcpServers)
  mcpkit serve --list                         list the built-in servers
  mcpkit tools <target>                       list a server's tools
  mcpkit call <target> <tool> [json-args]     call one tool and print its result
  mcpkit config claude <server> [args...]     print the Claude Desktop entry for a server
  mcpkit auth <server> [options]              a server's one-time authorization (gdrive: OAuth consent)

A <target> is a built-in server name with its arguments, --config <file>, an http(s) URL of a
running server (a bearer token from MCPKIT_TOKEN), or a command after "--" (for tools/call the
command comes last: mcpkit call <tool> [json] -- node server.js).

Serve options:
  --read-only            only tools that declare readOnlyHint are listed and callable
  --allow <globs>        comma-separated tool names/globs to keep
  --deny <globs>         comma-separated tool names/globs to remove
  --timeout <ms>         per-call time limit (default 60000, 0 = none)
  --max-output <bytes>   most bytes in one result (default 262144)
  --log-level <level>    stderr log level: fatal|error|warn|info|debug|silent (default info)
  --<name>[=<value>]     any other option is passed to the server (e.g. --data-dir=./data)

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
  --max-message <bytes>  largest request body (default 4194304; stdio: largest line)

Tools/call options:
  --json                 print the raw JSON result
  --era <legacy|modern>  protocol era to speak (default legacy: 2025 initialize)

Other:
  -h, --help             this help
  -v, --version          print the version
`;
