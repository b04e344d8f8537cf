import type { Call, CallOutcome, Middleware } from './types.js';

/** Composes middleware outermost-first into one function around a final handler. */
export function compileChain(
  middleware: readonly Middleware[],
): (call: Call, handler: () => Promise<CallOutcome>) => Promise<CallOutcome> {
  const stack = [...middleware];
  return (call, handler) => {
    const dispatch = (index: number): Promise<CallOutcome> => {
      const layer = stack[index];
      if (!layer) return handler();
      let called = false;
      return layer(call, () => {
        if (called) return Promise.reject(new Error('next() called twice in one middleware'));
        called = true;
        return dispatch(index + 1);
      });
    };
    return dispatch(0);
  };
}
