import { type HttpGuard, jsonRpcError, refuse } from './guard.js';

/** Any method but these is answered 405 with the `Allow` list. */
export function methodGuard(methods: readonly string[]): HttpGuard {
  const allow = methods.join(', ');
  return (req) =>
    methods.includes(req.method ?? '')
      ? undefined
      : refuse(jsonRpcError(405, -32000, 'Method not allowed.', null, { allow }));
}
