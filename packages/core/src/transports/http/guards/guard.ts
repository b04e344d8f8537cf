import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';

/** A request on its way to the endpoint; the auth guard sets `auth` (the node adapter hands it on). */
export type GuardedRequest = IncomingMessage & { auth?: AuthInfo };

/** Why a request stops here: the answer to send, and whether to end the connection after it. */
export interface Refusal {
  readonly response: Response;
  /** The body was left unread: close the connection rather than drain it. */
  readonly close: boolean;
}

/**
 * One check in front of the endpoint, in the manner of the SDK's `hostHeaderValidationResponse`:
 * `undefined` lets the request on, a refusal ends it. A guard may set response headers (CORS) or
 * `req.auth` as the request passes; it never writes the response itself.
 */
export type HttpGuard = (
  req: GuardedRequest,
  res: ServerResponse,
) => Refusal | undefined | Promise<Refusal | undefined>;

export function refuse(response: Response, close = false): Refusal {
  return { response, close };
}

/** A JSON-RPC error answered over HTTP (the body every refusal on the MCP endpoint uses). */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
  headers?: Record<string, string>,
): Response {
  return Response.json(
    { jsonrpc: '2.0', id, error: { code, message } },
    { status, ...(headers ? { headers } : {}) },
  );
}

/** Guards run in the order given; the first refusal wins and the rest do not run. */
export function composeGuards(...guards: HttpGuard[]): HttpGuard {
  return async (req, res) => {
    for (const guard of guards) {
      let verdict = guard(req, res);
      if (verdict instanceof Promise) verdict = await verdict; // most guards answer at once
      if (verdict) return verdict;
    }
    return undefined;
  };
}

/** Every value of one header as sent (Node keeps only the first Authorization/Host in `headers`). */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}
