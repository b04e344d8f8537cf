import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/server';

export type MessageTap = (message: JSONRPCMessage, direction: 'in' | 'out') => void;

/**
 * Wraps a transport so something can watch every message in both directions without touching
 * them (the runtime uses it to see which resources a 2026-07-28 listen stream subscribes to,
 * since the SDK entry answers `subscriptions/listen` itself).
 */
export function observeTransport(inner: Transport, tap: MessageTap, onClosed?: () => void): Transport {
  const outer: Transport = {
    async start() {
      inner.onmessage = (message, extra) => {
        try {
          tap(message, 'in');
        } catch {
          // an observer never breaks the connection
        }
        outer.onmessage?.(message, extra);
      };
      inner.onclose = () => {
        try {
          outer.onclose?.();
        } finally {
          onClosed?.();
        }
      };
      inner.onerror = (error) => outer.onerror?.(error);
      await inner.start();
    },
    async send(message: JSONRPCMessage, options?: TransportSendOptions) {
      try {
        tap(message, 'out');
      } catch {
        // as above
      }
      await inner.send(message, options);
    },
    close: () => inner.close(),
  };
  return outer;
}
