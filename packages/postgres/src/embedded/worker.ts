/**
 * The embedded database's thread. PGlite runs Postgres compiled to WebAssembly synchronously:
 * a long query would freeze whatever thread runs it, and Postgres's own statement_timeout
 * cannot fire without signals. Here it freezes only this worker; the server's thread stays
 * responsive and ends a query that runs too long by terminating this worker.
 *
 * Protocol with the host: it posts `{ id, bytes: Uint8Array }` (frontend protocol messages,
 * up to and including one that asks for an answer) and gets `{ id, reply: Uint8Array }`
 * (everything Postgres answered), in order.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { WireGuard, type WireLimits } from '../db/wire-guard.js';

export interface WorkerInit {
  dataDir: string;
  /** Extra `-c name=value` settings for the embedded server. */
  settings: Record<string, string>;
}

/** `limits`: what the answer is held to (see db/wire-guard.ts), for the caller's own SQL. */
export type WorkerRequest =
  | { id: number; bytes: Uint8Array; limits?: WireLimits }
  | { id: number; close: true };
export type WorkerReply =
  | { ready: true }
  | { id: number; reply: Uint8Array }
  | { id: number; error: string }
  | { fatal: string };

const port = parentPort!;
const init = workerData as WorkerInit;

/** How far PGlite's WebAssembly memory may grow past its size at start before it is reopened. */
const REOPEN_AFTER_GROWTH = 64 * 2 ** 20;

/** The size of PGlite's WebAssembly memory (reserved, not all of it resident). */
function wasmBytes(db: PGlite): number {
  const module = db.Module as { HEAPU8?: Uint8Array } | undefined;
  return module?.HEAPU8?.buffer.byteLength ?? 0;
}

/** True when an answer ends with ReadyForQuery saying no transaction is open. */
function endsIdle(reply: Uint8Array): boolean {
  return reply.length >= 6 && reply[reply.length - 6] === 0x5a && reply[reply.length - 1] === 0x49;
}

/**
 * WebAssembly memory only grows: one statement that built a huge value (Postgres holds it in
 * its own memory, however little of it the answer keeps) would leave this thread that large
 * for good. Past REOPEN_AFTER_GROWTH, between calls (no transaction open), the database is
 * closed and opened again on the same folder, and the old memory collected: a fresh session,
 * as every call already leaves it (see db/database.ts).
 */
const collect = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

try {
  const settings = Object.entries(init.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const open = () =>
    PGlite.create(init.dataDir, { startParams: [...PGlite.defaultStartParams, ...settings] });
  let db = await open();
  const startSize = wasmBytes(db);
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    // One request at a time, in arrival order: Postgres is one backend here.
    queue = queue.then(async () => {
      if ('close' in request) {
        await db.close();
        port.postMessage({ id: request.id, reply: new Uint8Array() } satisfies WorkerReply);
        return;
      }
      try {
        // Postgres's main loop reads message after message from the one buffer. The raw stream
        // hands the answer over as it is written; execProtocolRaw would also parse every
        // message into a list PGlite never empties (a leak of about 1 KB a call).
        // The answer is held to the limits as it comes (a huge value is never kept whole here).
        const guard = request.limits ? new WireGuard(request.limits) : undefined;
        const parts: Uint8Array[] = [];
        let size = 0;
        await db.execProtocolRawStream(request.bytes, {
          onRawData: (chunk) => {
            // A view of PGlite's buffer, reused for the next chunk: copied into a buffer of its
            // own (not Node's shared pool: the reply's buffer is transferred to the host).
            const own = new Uint8Array(chunk);
            const copy = Buffer.from(own.buffer, 0, own.length);
            for (const part of guard ? guard.push(copy) : [copy]) {
              parts.push(part);
              size += part.length;
            }
          },
        });
        const only = parts.length === 1 ? parts[0] : undefined;
        const whole =
          only !== undefined && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength;
        const reply = whole ? only : new Uint8Array(size);
        if (!whole) {
          let offset = 0;
          for (const part of parts) {
            reply.set(part, offset);
            offset += part.length;
          }
        }
        const idle = endsIdle(reply);
        port.postMessage({ id: request.id, reply } satisfies WorkerReply, [reply.buffer as ArrayBuffer]);
        if (idle && wasmBytes(db) > startSize + REOPEN_AFTER_GROWTH) {
          try {
            await db.close();
            db = await open();
            collect(); // the old instance is unreachable only now
          } catch (error) {
            // The host ends this thread and starts another.
            port.postMessage({ fatal: `reopening: ${String((error as Error)?.message ?? error)}` });
          }
        }
      } catch (error) {
        port.postMessage({
          id: request.id,
          error: String((error as Error)?.message ?? error),
        } satisfies WorkerReply);
      }
    });
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ fatal: String((error as Error)?.message ?? error) } satisfies WorkerReply);
}
