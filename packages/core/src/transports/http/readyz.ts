import type { IncomingMessage, ServerResponse } from 'node:http';

/** Name -> a check that throws when down; what it returns (a line naming what it saw) is shown. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** A check that has not answered by then counts as failed: a probe never hangs. */
const CHECK_TIMEOUT_MS = 2000;

async function runCheck(
  check: () => Promise<unknown>,
): Promise<{ ok: boolean; detail?: string; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return typeof detail === 'string' && detail ? { ok: true, detail: detail.slice(0, 500) } : { ok: true };
  } catch (error) {
    // The first line only: a reason an operator reads, never a stack or a connection string.
    const message = String((error as Error)?.message ?? error)
      .split('\n')[0]!
      .replace(/\w+:\/\/\S+/g, '<url>');
    return { ok: false, error: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: whether this node's dependencies (Redis, databases) answer right now, for
 * orchestrators and monitors. 200 when every check passes, 503 when one fails or the node is
 * shutting down; the body names each check. Liveness stays `/healthz`.
 */
export async function serveReadyz(
  req: IncomingMessage,
  res: ServerResponse,
  checks: ReadinessChecks,
  closing: boolean,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' });
    res.end(JSON.stringify({ error: 'method not allowed' }));
    return;
  }
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
  const report = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  const ready = !closing && results.every((r) => r.ok);
  res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(
    req.method === 'HEAD'
      ? undefined
      : JSON.stringify({ status: closing ? 'closing' : ready ? 'ready' : 'unavailable', checks: report }),
  );
}
