import type { AuthInfo, McpHttpHandler } from '@modelcontextprotocol/server';
import { principalOf } from '../../define/context.js';
import type { ResourceWatches } from '../../runtime/watches.js';
import { requestIdOf } from './body.js';
import { jsonRpcError } from './guards/index.js';
import type { HttpLimits } from './options.js';
import { onResponseEnd } from './response-end.js';

type ListenLimits = Pick<HttpLimits, 'maxSubscriptionsPerPrincipal' | 'maxWatchedUrisPerStream'>;

/**
 * 2026-07-28 `subscriptions/listen` streams: each is counted against its caller while open (one
 * caller cannot take every subscription slot), and holds watches on the URIs it names for as long
 * as it is open.
 */
export function listenStreams(
  modern: McpHttpHandler,
  watches: ResourceWatches | undefined,
  limits: ListenLimits,
): (request: Request, message: unknown, authInfo: AuthInfo | undefined) => Promise<Response> {
  const listening = new Map<string, number>();
  return async (request, message, authInfo) => {
    const caller = principalOf(authInfo);
    const open = listening.get(caller) ?? 0;
    if (open >= limits.maxSubscriptionsPerPrincipal) {
      return jsonRpcError(
        429,
        -32603,
        `Subscription limit reached: ${open} listen streams are open for this caller; close one first`,
        requestIdOf(message),
        { 'retry-after': '5' },
      );
    }
    // The slot is taken before the stream opens, so concurrent requests cannot overshoot.
    listening.set(caller, open + 1);
    const release = () => {
      const left = (listening.get(caller) ?? 1) - 1;
      if (left > 0) listening.set(caller, left);
      else listening.delete(caller);
    };
    let response: Response;
    try {
      response = await modern.fetch(request, { ...(authInfo ? { authInfo } : {}), parsedBody: message });
    } catch (error) {
      release();
      throw error;
    }
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      release();
      return response;
    }
    const holder = {};
    const uris = (message as { params?: { notifications?: { resourceSubscriptions?: unknown } } }).params
      ?.notifications?.resourceSubscriptions;
    if (watches && Array.isArray(uris)) {
      watches.add(
        holder,
        uris.filter((u): u is string => typeof u === 'string').slice(0, limits.maxWatchedUrisPerStream),
      );
    }
    return onResponseEnd(response, () => {
      release();
      watches?.remove(holder);
    });
  };
}
