import type * as z from 'zod';

/** An RFC 9110 token: what an HTTP header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type Primitive = z.ZodString | z.ZodNumber | z.ZodBoolean | z.ZodEnum<any> | z.ZodLiteral<any>;

/**
 * Mirrors a tool parameter into an HTTP header (SEP-2243): 2026-07-28 clients over HTTP send it
 * as `Mcp-Param-<name>` as well, so gateways and load balancers can route on it without
 * reading the body; the SDK checks the header matches the body before the handler runs.
 * Only for primitive parameters at the top of the input.
 */
export function mcpHeader<T extends Primitive>(schema: T, name: string): T {
  if (!TOKEN.test(name)) throw new TypeError(`mcpHeader: "${name}" is not a valid HTTP header name`);
  return schema.meta({ 'x-mcp-header': name }) as T;
}
