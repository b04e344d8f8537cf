import type { ParsedArgs } from '../options.js';
import { approvePinned } from '../upstreams.js';
import { UsageError } from '../usage.js';

/**
 * `mcpkit approve <server> [tool]`: an upstream tool whose description or schema changed since it
 * was first seen is hidden (a "rug pull" guard); this serves it again, with the new text pinned.
 */
export function approve(parsed: ParsedArgs): void {
  const [server, tool, extra] = parsed.positionals;
  if (!server || extra !== undefined) throw new UsageError('usage: mcpkit approve <server> [tool]');
  const approved = approvePinned(server, tool);
  process.stdout.write(
    approved.length
      ? `approved ${approved.length} changed tool${approved.length > 1 ? 's' : ''} of ${server}: ${approved.join(', ')}\n`
      : `nothing to approve for ${server}${tool ? ` ${tool}` : ''} (no changed tool is waiting)\n`,
  );
}
