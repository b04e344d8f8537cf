import { resolveServerOptions } from '@mcpkit/core';
import { type ParsedArgs, remainingAsServerOptions } from '../options.js';
import { catalog } from '../servers.js';
import { UsageError } from '../usage.js';

/**
 * `mcpkit auth <server> [options]`: the server's one-time authorization (an OAuth consent in the
 * browser), with the same options `serve` takes, so the grant matches what the server will ask for.
 */
export async function auth(parsed: ParsedArgs): Promise<void> {
  const [server, ...args] = parsed.positionals;
  if (!server) throw new UsageError('auth needs a server name (e.g. mcpkit auth gdrive)');
  const declaration = catalog.get(server);
  if (!declaration.authorize) {
    const able = catalog
      .list()
      .filter((d) => d.authorize)
      .map((d) => d.name);
    throw new UsageError(
      `${server} needs no authorization step${able.length ? ` (servers that do: ${able.join(', ')})` : ''}`,
    );
  }
  const options = resolveServerOptions(declaration, { args, options: remainingAsServerOptions(parsed) });
  await declaration.authorize(options, {
    env: process.env,
    cwd: process.cwd(),
    print: (line) => process.stderr.write(`${line}\n`),
  });
}
