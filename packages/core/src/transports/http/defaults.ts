/**
 * Where `--http` listens unless told otherwise: loopback only. A module of its own (no imports) so
 * that the CLI can show and parse these without loading the HTTP stack at start-up.
 */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 3000;
