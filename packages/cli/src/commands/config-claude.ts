import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveServerOptions } from '@mcpkit/core';
import { type ParsedArgs, remainingAsServerOptions } from '../options.js';
import { catalog } from '../servers.js';
import { UsageError } from '../usage.js';

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `mcpkit serve`'s own options that make sense in a stdio entry, and those only HTTP serving reads. */
const SERVE_OWN = new Set([
  'allow',
  'deny',
  'timeout',
  'max-output',
  'max-message',
  'log-level',
  'confirm-writes',
]);
const VALUED = new Set(['allow', 'deny', 'timeout', 'max-output', 'max-message', 'log-level']);
const INTEGER = new Set(['timeout', 'max-output', 'max-message']);
const HTTP_ONLY = new Set([
  'http',
  'public-url',
  'allowed-hosts',
  'allowed-origins',
  'token-env',
  'token-principal',
  'token-scopes',
  'jwks',
  'jwt-issuer',
  'jwt-audience',
  'metrics',
  'no-status-page',
]);

/** `max-rows` -> `maxRows`. */
const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * `mcpkit config claude <server> [args] [options]`: checks the arguments and options as
 * `mcpkit serve` would, then prints the entry to paste under "mcpServers" in
 * claude_desktop_config.json. Claude Desktop starts servers from an unknown folder with a minimal
 * PATH, so the entry names this Node and this mcpkit by absolute path, and local paths (the
 * declaration's path arguments and options) are made absolute. That form works before mcpkit is
 * published; `--npx` prints the published form instead (`npx -y mcpkit serve ...`), which needs
 * only Node on the PATH and fetches mcpkit from the registry.
 */
export function configClaude(parsed: ParsedArgs): void {
  const [what, server, ...args] = parsed.positionals;
  const npx = parsed.options.has('npx');
  parsed.options.delete('npx'); // ours, not the server's
  if (what !== 'claude') throw new UsageError('usage: mcpkit config claude <server> [args...] [options]');
  if (!server) throw new UsageError('config claude needs a server name (mcpkit serve --list)');
  const declaration = catalog.get(server);
  // serve's own options go into the entry as given (checked as serve checks them); HTTP ones do
  // not apply: Claude Desktop speaks stdio to the servers it starts.
  const serveFlags: string[] = [];
  for (const [name, value] of [...parsed.options]) {
    if (HTTP_ONLY.has(name)) {
      throw new UsageError(
        `config claude: --${name} does not apply (Claude Desktop starts servers over stdio)`,
      );
    }
    if (!SERVE_OWN.has(name)) continue;
    if (VALUED.has(name) && value === true) throw new UsageError(`--${name} needs a value`);
    if (INTEGER.has(name) && (typeof value !== 'string' || !/^\d+$/.test(value))) {
      throw new UsageError(`--${name} must be a whole number, got "${value}"`);
    }
    serveFlags.push(value === true ? `--${name}` : `--${name}=${value}`);
    parsed.options.delete(name);
  }
  // The same reading `serve` does: unknown options, bad values and argument counts fail here.
  resolveServerOptions(declaration, { args, options: remainingAsServerOptions(parsed) });

  const argsArePaths = declaration.args !== undefined && declaration.paths.includes(declaration.args.option);
  const absoluteArgs = args.map((arg) => {
    if (!argsArePaths || URL_LIKE.test(arg) || arg.includes('${')) return arg;
    const absolute = path.resolve(arg);
    if (!existsSync(absolute)) {
      throw new UsageError(
        `config claude ${server}: "${arg}" does not exist (${declaration.args!.synopsis})`,
      );
    }
    return absolute;
  });
  const flags = [...parsed.options].map(([name, value]) => {
    if (value === true) return `--${name}`;
    const isPath = declaration.paths.includes(camel(name)) && !URL_LIKE.test(value) && !value.includes('${');
    return `--${name}=${isPath ? path.resolve(value) : value}`;
  });
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url).href.replace('/commands/bin.js', '/bin.js'));
  const serve = ['serve', server, ...absoluteArgs, ...flags, ...serveFlags];
  const entry = npx
    ? { command: 'npx', args: ['-y', 'mcpkit', ...serve] }
    : { command: process.execPath, args: [bin, ...serve] };
  // `"name": {...}`, the member to paste inside "mcpServers": { ... }.
  const member = JSON.stringify({ [server]: entry }, null, 2)
    .split('\n')
    .slice(1, -1)
    .map((line) => line.slice(2))
    .join('\n');
  process.stdout.write(`${member}\n`);
  if (process.stderr.isTTY) {
    process.stderr.write(
      'Paste it inside "mcpServers": { ... } of claude_desktop_config.json, then restart Claude Desktop.\n',
    );
  }
}
