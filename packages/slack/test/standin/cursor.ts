import { createHmac, timingSafeEqual } from 'node:crypto';

// Opaque cursors as Slack hands them out: base64 text a client must pass back unchanged. Each is bound to
// the method and channel it came from and signed, so a cursor replayed elsewhere or edited is
// `invalid_cursor`, as Slack answers.

const KEY = 'slack-standin-cursor-key';

export interface CursorScope {
  method: string;
  /** The channel (or thread, or '') the listing is about. */
  scope: string;
}

function sign(body: string): string {
  return createHmac('sha256', KEY).update(body).digest('base64url').slice(0, 16);
}

export function encodeCursor(where: CursorScope, position: string): string {
  const body = `${where.method}|${where.scope}|${position}`;
  return Buffer.from(`${body}|${sign(body)}`, 'utf8').toString('base64');
}

/** The position a cursor holds, or undefined when it was not made for this method and scope. */
export function decodeCursor(where: CursorScope, cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const cut = text.lastIndexOf('|');
  if (cut < 0) return undefined;
  const body = text.slice(0, cut);
  const mac = Buffer.from(text.slice(cut + 1));
  const expected = Buffer.from(sign(body));
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
  const [method, scope, ...rest] = body.split('|');
  if (method !== where.method || scope !== where.scope) return undefined;
  return rest.join('|');
}
