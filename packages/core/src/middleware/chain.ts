import type { Call, CallOutcome, Middleware } from './types.js';

/** Composes middleware outermost-first into one function around a final handler. */
export function compileChain(
  middleware: readonly Middleware[],
): (call: Call, handler: () => Promise<CallOutcome>) => Promise<CallOutcome> {
  const stack = [...middleware];
  return (call, handler) => {
    let entered = -1; // the deepest layer entered so far: next() may move down once per layer
    const dispatch = (index: number): Promise<CallOutcome> => {
      if (index <= entered) return Promise.reject(new Error('next() called twice in one middleware'));
      entered = index;
      const layer = stack[index];
      if (!layer) return handler();
      try {
        return layer(call, () => dispatch(index + 1));
      } catch (error) {
        return Promise.reject(error); // a layer that throws synchronously fails the call the same way
      }
    };
    return dispatch(0);
  };
}
