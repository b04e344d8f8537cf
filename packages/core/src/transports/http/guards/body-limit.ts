import { formatBytes } from '../../../output/truncate.js';
import { type HttpGuard, jsonRpcError, refuse } from './guard.js';

/**
 * A POST whose Content-Length declares more than the cap is refused from the header alone,
 * before a byte of the body is read. (A chunked body is cut at the cap while it is read, by the
 * node adapter's `maxRequestBodySize`.)
 */
export function bodyLimitGuard(maxBodyBytes: number): HttpGuard {
  return (req) => {
    if (req.method !== 'POST') return undefined;
    const declared = Number(req.headers['content-length']);
    if (!(declared > maxBodyBytes)) return undefined;
    return refuse(
      jsonRpcError(
        413,
        -32000,
        `Payload Too Large: the body (${formatBytes(declared)}) exceeds the ${formatBytes(maxBodyBytes)} limit`,
      ),
      true,
    );
  };
}
