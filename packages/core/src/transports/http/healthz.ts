import type { IncomingMessage, ServerResponse } from 'node:http';

/** `/healthz`: 200 on GET/HEAD for load balancers; it is answered before any check and says nothing else. */
export function serveHealthz(req: IncomingMessage, res: ServerResponse): void {
  const ok = req.method === 'GET' || req.method === 'HEAD';
  res.writeHead(ok ? 200 : 405, {
    'content-type': 'application/json',
    ...(ok ? {} : { allow: 'GET, HEAD' }),
  });
  res.end(
    req.method === 'HEAD'
      ? undefined
      : JSON.stringify(ok ? { status: 'ok' } : { error: 'method not allowed' }),
  );
}
